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

from organisation.current import OrgSettings, as_at, current, rows_as_at
from organisation.models import RiskCategory
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


@dataclass(frozen=True)
class NamedCategories:
    """What a revision's other category names (Risk.secondary_category_names) mean now."""

    categories: tuple  # the RiskCategory rows they name, in the revision's order
    retired: tuple  # labels of those retired since: restored all the same
    missing: tuple  # names that match no category now (deleted since): left out

    @property
    def notes(self):
        """What restoring them has to tell the user, as sentences."""
        notes = []
        if self.retired:
            notes.append(f"Restored although retired since: {', '.join(self.retired)} "
                         "(kept on this risk, no longer offered for others).")
        if self.missing:
            notes.append(f"Not restored, as no category is called this now (deleted since): {', '.join(self.missing)}.")
        return notes


def categories_named(names, moment):
    """The categories a revision saved at `moment` named in `names` (" / "-joined labels).

    Each name is read as the label it was at `moment` (the categories' history, so a
    category renamed since is still found), else as a label now; a name that matches no
    category that exists now is `missing`. Two queries, whatever the number of names."""
    wanted = [name for name in names.split(NAMES_SEPARATOR) if name]
    if not wanted:
        return NamedCategories((), (), ())
    then = {category.label: category.pk for category in OrgSettings(rows_as_at(moment)).categories}
    now = {category.pk: category for category in RiskCategory.objects.all()}
    by_label = {category.label: category for category in now.values()}
    by_folded = {category.label.casefold(): category for category in now.values()}
    found, missing = [], []
    for name in wanted:
        category = now.get(then.get(name)) or by_label.get(name) or by_folded.get(name.casefold())
        if category is None:
            missing.append(name)
        elif category not in found:
            found.append(category)
    return NamedCategories(tuple(found), tuple(c.label for c in found if not c.active), tuple(missing))
