"""A risk's categories and appetite as the register, its exports and the workbook print
them: labels, not keys, and "Within" or "Outside" appetite by the rule of
risks.appetite (the current score against the primary category's tolerance).

    described = describe(risks)            # {risk id: RiskCategories}, one query
    described = describe(risks, day=day)   # risks as at `day` (revisions): no query for them

Live, the other categories come from the risk's links, labelled as they are called
now. As at a day, they come from the names each revision kept
(Risk.secondary_category_names), with the settings as at that day.
"""

from dataclasses import dataclass

from organisation.current import as_at, current
from risks.models import Risk

# How risks.services._set_secondary_categories joins the other categories' names.
NAMES_SEPARATOR = " / "
WITHIN, OUTSIDE = "Within", "Outside"


@dataclass(frozen=True)
class RiskCategories:
    primary: str  # the primary category's label, or ""
    others: tuple  # the other categories' labels, in the organisation's order
    appetite: str  # WITHIN, OUTSIDE, or "" where the primary category has no appetite set

    @property
    def outside(self):
        return self.appetite == OUTSIDE

    @property
    def label(self):
        """One cell of the register: the primary category, then the others, told apart."""
        also = f"also {', '.join(self.others)}" if self.others else ""
        if self.primary and also:
            return f"{self.primary} ({also})"
        return self.primary or also.capitalize()


def appetite_text(appetite, score):
    if appetite is None:
        return ""
    return WITHIN if appetite.accepts(score) else OUTSIDE


def other_category_ids(risk_ids):
    """{risk id: [category id]} in one query."""
    links = Risk.secondary_categories.through.objects.filter(risk_id__in=risk_ids)
    result = {}
    for risk_id, category_id in links.values_list("risk_id", "riskcategory_id"):
        result.setdefault(risk_id, []).append(category_id)
    return result


def describe(risks, *, day=None):
    """{risk id: RiskCategories}; `day`: the risks are revisions as at that day."""
    org = as_at(day) if day else current()
    labels = {category.pk: category.label for category in org.categories}
    order = {category.pk: index for index, category in enumerate(org.categories)}
    others_by_risk = {} if day else other_category_ids([risk.pk for risk in risks])
    described = {}
    for risk in risks:
        if day:
            others = tuple(name for name in risk.secondary_category_names.split(NAMES_SEPARATOR) if name)
        else:
            ids = sorted(others_by_risk.get(risk.pk, ()), key=lambda pk: order.get(pk, len(order)))
            others = tuple(labels.get(pk, f"(#{pk})") for pk in ids)
        primary = labels.get(risk.category_id, "") if risk.category_id else ""
        appetite = org.appetite_for(risk.category_id) if risk.category_id else None
        described[risk.pk] = RiskCategories(
            primary, others, appetite_text(appetite, risk.current_likelihood * risk.current_impact))
    return described


def attach(risks, *, day=None):
    """Each risk with its `categories` (RiskCategories), for code that prints rows one by one."""
    described = describe(risks, day=day)
    for risk in risks:
        risk.categories = described[risk.pk]
    return risks
