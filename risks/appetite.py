"""Whether a risk sits within the appetite set for its primary category (HM Treasury
Orange Book): its current score against the category's tolerance, its target score
too (a target above the tolerance is a warning of its own), and, for a risk outside
appetite, whether it carries a plan: control actions with owners and due dates, or an
acceptance in force (a named person, a reason, an expiry date).

A risk without a category, or whose category has no appetite set, is neither within
nor outside: `within` is None.
"""

from dataclasses import dataclass

from django.db.models import ExpressionWrapper, F, IntegerField, Q

from controls.models import Control
from organisation.current import current
from risks.models import AppetiteAcceptance


@dataclass(frozen=True)
class AppetiteStatus:
    category: object  # organisation.current.Entry, or None
    appetite: object  # organisation.current.Appetite, or None
    current_score: int
    target_score: int
    plan_actions: tuple = ()  # the control actions that make the plan
    acceptance: object = None  # the AppetiteAcceptance in force, if any

    @property
    def within(self):
        return None if self.appetite is None else self.appetite.accepts(self.current_score)

    @property
    def outside(self):
        return self.within is False

    @property
    def target_within(self):
        return None if self.appetite is None else self.appetite.accepts(self.target_score)

    @property
    def has_plan(self):
        return bool(self.plan_actions) or self.acceptance is not None

    @property
    def needs_plan(self):
        """Outside appetite with no plan: actions with owners and dates, or an acceptance in force."""
        return self.outside and not self.has_plan

    @property
    def plan_state(self):
        """For a risk outside appetite: "plan" (actions), "accepted" (an acceptance only) or "none"."""
        if self.plan_actions:
            return "plan"
        return "accepted" if self.acceptance is not None else "none"


def applies_to_round(appetite, opens_on):
    """Whether a review round opened on `opens_on` holds risks to this appetite: only one
    approved by then (the round asks owners for what was expected when it opened)."""
    return appetite is not None and appetite.approved_on <= opens_on


def is_plan_action(control):
    return (control.kind == Control.Kind.ACTION and control.status not in Control.FINISHED
            and control.owner_id is not None and control.due_date is not None)


def status_for(risk, *, controls, acceptances, today, org=None):
    """The appetite status of one risk from data already gathered (no queries)."""
    org = org or current()
    category = org.category(risk.category_id) if risk.category_id else None
    appetite = org.appetite_for(risk.category_id) if risk.category_id else None
    in_force = [acceptance for acceptance in acceptances if acceptance.in_force_on(today)]
    return AppetiteStatus(
        category=category, appetite=appetite,
        current_score=risk.current_likelihood * risk.current_impact,
        target_score=risk.target_likelihood * risk.target_impact,
        plan_actions=tuple(control for control in controls if is_plan_action(control)),
        acceptance=max(in_force, key=lambda a: a.expires_on) if in_force else None,
    )


def statuses(risks, today, org=None):
    """{risk id: AppetiteStatus} for `risks` in two queries, whatever their number."""
    ids = [risk.id for risk in risks]
    controls, acceptances = {}, {}
    actions = (Control.objects.filter(risk_id__in=ids, kind=Control.Kind.ACTION).exclude(status__in=Control.FINISHED)
               .select_related("owner").order_by("due_date", "position", "pk"))
    for control in actions:
        controls.setdefault(control.risk_id, []).append(control)
    for acceptance in AppetiteAcceptance.objects.filter(risk_id__in=ids, expires_on__gte=today, accepted_on__lte=today):
        acceptances.setdefault(acceptance.risk_id, []).append(acceptance)
    return {
        risk.id: status_for(risk, controls=controls.get(risk.id, []), acceptances=acceptances.get(risk.id, []),
                            today=today, org=org)
        for risk in risks
    }


def outside_among(risks, today, org=None):
    """[(risk, AppetiteStatus)] for those of `risks`, already loaded, outside appetite (the rule of
    outside_appetite, judged in Python), in two queries at most."""
    org = org or current()
    outside = [risk for risk in risks if risk.category_id is not None
               and (appetite := org.appetite_for(risk.category_id)) is not None
               and not appetite.accepts(risk.current_score)]
    found = statuses(outside, today, org)
    return [(risk, found[risk.id]) for risk in outside]


def with_current_score(queryset):
    return queryset.alias(appetite_score=ExpressionWrapper(
        F("current_likelihood") * F("current_impact"), output_field=IntegerField()))


def outside_appetite(queryset):
    """Risks whose current score is above their primary category's tolerance."""
    return with_current_score(queryset).filter(appetite_score__gt=F("category__appetite__tolerance"))


def within_appetite(queryset):
    """Risks whose category has an appetite and whose current score is within its tolerance."""
    return with_current_score(queryset).filter(
        Q(category__appetite__isnull=False), appetite_score__lte=F("category__appetite__tolerance"))
