"""A realistic synthetic register for benchmarks and manual testing.

Written with django-simple-history's bulk helpers, so every object gets its
revisions (with a user, a reason and a date over the last two years) while 500
risks still build in seconds. Never plain bulk_create/bulk_update here.
"""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from controls.models import Control
from organisation.current import current as org_settings
from risks.models import Owner, Review, Risk, RiskOwner, Trend

REASON = "Synthetic register (generate_register)"
QUARTERS = 8  # two years of quarterly reviews
LONG_HISTORY_REVISIONS = 210
FIRST_NAMES = ["Amira", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hamza", "Isla", "Jon", "Kofi", "Lena",
               "Maya", "Niall", "Orla", "Priya", "Rory", "Sana", "Tom", "Uma", "Vik", "Wen", "Yusuf", "Zoe"]
LAST_NAMES = ["Adams", "Begum", "Clarke", "Dlamini", "Evans", "Fraser", "Gill", "Hughes", "Iqbal", "Jones",
              "Khan", "Lewis", "Morgan", "Nowak", "Okafor", "Patel", "Quinn", "Reid", "Singh", "Taylor"]
TOPICS = ["funding", "oversight of the force", "victims' services", "commissioning", "knife crime",
          "data protection", "estates", "workforce capacity", "partnership working", "public confidence",
          "violence against women and girls", "transformation", "procurement", "cyber security",
          "criminal justice devolution", "equalities", "complaints handling", "major events",
          "business continuity", "decision making"]
VERBS = ["secure", "deliver", "maintain", "oversee", "fund", "assure", "co-ordinate", "protect"]
CONTROL_NAMES = ["Police and Crime Plan", "Gold group", "Quarterly assurance", "Budget monitoring",
                 "Partnership board", "Internal audit", "Commissioning framework", "Training programme",
                 "Performance dashboard", "Scrutiny panel", "Business plan", "Stakeholder forum"]
TREND_BY_CHANGE = {-1: Trend.DECREASING, 0: Trend.NO_CHANGE, 1: Trend.INCREASING}


class RegisterNotEmpty(Exception):
    pass


def _stamp(obj, when, user, reason=REASON):
    obj._history_date = when
    obj._history_user = user
    obj._change_reason = reason
    return obj


def _refs(count, rng):
    """Natural refs 1, 2, 3a, 3b, 4 ...: about one number in ten is split into a and b."""
    refs, number = [], 0
    while len(refs) < count:
        number += 1
        if count - len(refs) >= 2 and rng.random() < 0.1:
            refs += [f"{number}a", f"{number}b"]
        else:
            refs.append(str(number))
    return refs


def _clamp(value, low=1, high=5):
    return max(low, min(high, value))


@transaction.atomic
def generate_register(*, risks, seed=2017, user=None, now=None):
    """Build `risks` risks with owners, controls, two years of reviews and revisions.

    Refuses (RegisterNotEmpty) if the register already has risks: it only ever adds
    a whole synthetic register to an empty database, so nothing real is mixed in.
    """
    if Risk.objects.exists():
        raise RegisterNotEmpty("The register is not empty; generate into an empty database.")
    rng = random.Random(seed)
    now = now or timezone.now()
    start = now - timedelta(days=2 * 365)
    today = timezone.localdate(now)

    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    owners = [_stamp(Owner(name=name, role_title="Director"), start, user)
              for name in rng.sample(names, min(len(names), max(6, risks // 20)))]
    owners = bulk_create_with_history(owners, Owner, batch_size=500)

    lever_keys = [lever.key for lever in org_settings().levers if lever.active] + [""]
    categories = [category.pk for category in org_settings().categories if category.active] or [None]
    risk_objs = []
    for number, ref in enumerate(_refs(risks, rng)):
        topic = rng.choice(TOPICS)
        inherent = (rng.randint(2, 5), rng.randint(2, 5))
        current = (_clamp(inherent[0] - rng.randint(0, 2)), _clamp(inherent[1] - rng.randint(0, 1)))
        target = (_clamp(current[0] - rng.randint(0, 2)), _clamp(current[1] - rng.randint(0, 1)))
        chosen = rng.sample(owners, rng.choice([1, 1, 1, 2, 2, 3]))
        risk = Risk(
            ref=ref, ref_number=int(ref.rstrip("ab")), ref_suffix=ref[-1] if ref[-1] in "ab" else "",
            title=f"{topic.capitalize()} {number + 1}",
            description=f"Failure to {rng.choice(VERBS)} {topic} effectively, putting the Police and Crime Plan at risk.",
            inherent_likelihood=inherent[0], inherent_impact=inherent[1],
            current_likelihood=current[0], current_impact=current[1],
            target_likelihood=target[0], target_impact=target[1],
            owner_names=" / ".join(owner.name for owner in chosen),
            next_review=today + timedelta(days=rng.randint(-60, 90)),
            category_id=rng.choice(categories),
        )
        risk._owners = chosen
        raised = start + timedelta(days=rng.randint(0, 30))
        risk.opened_on = timezone.localdate(raised)
        risk_objs.append(_stamp(risk, raised, user))
    risk_objs = bulk_create_with_history(risk_objs, Risk, batch_size=500)

    ownerships, controls = [], []
    for risk in risk_objs:
        for position, owner in enumerate(risk._owners):
            ownerships.append(_stamp(RiskOwner(risk=risk, owner=owner, position=position), risk._history_date, user))
        for position in range(rng.randint(4, 8)):
            kind = Control.Kind.POTENTIAL if rng.random() < 0.15 else Control.Kind.ACTION
            status = Control.Status.PLANNED if kind == Control.Kind.POTENTIAL else rng.choice(
                [Control.Status.IN_PLACE, Control.Status.IN_PLACE, Control.Status.IN_PROGRESS, Control.Status.PLANNED]
            )
            due = None if status == Control.Status.IN_PLACE else today + timedelta(days=rng.randint(-120, 240))
            name = rng.choice(CONTROL_NAMES) if rng.random() < 0.8 else ""
            controls.append(_stamp(Control(
                risk=risk, kind=kind, name=name, description=f"{name or 'Action'} covering {risk.title.lower()}.",
                lever=rng.choice(lever_keys), status=status, due_date=due,
                owner=rng.choice(risk._owners), position=position,
            ), risk._history_date, user))
    bulk_create_with_history(ownerships, RiskOwner, batch_size=1000)
    controls = bulk_create_with_history(controls, Control, batch_size=1000)

    # Events happen in date order, so each object's latest revision is its current state.
    long_history = LongHistory(risk_objs[0], rng, start, now, user)
    _quarterly_reviews(risk_objs, controls, rng, start, user, long_history)
    long_history.revise_until(now)
    _closed_risks(risk_objs, rng, now, user)
    return {"owners": len(owners), "risks": len(risk_objs), "controls": len(controls)}


def _quarterly_reviews(risk_objs, controls, rng, start, user, long_history):
    """Each quarter every risk is reviewed: a Review, and a new revision of the risk."""
    for quarter in range(1, QUARTERS + 1):
        when = start + timedelta(days=quarter * 91)
        long_history.revise_until(when)
        reviews = []
        for risk in risk_objs:
            before = risk.current_score
            risk.current_likelihood = _clamp(risk.current_likelihood + rng.choice([-1, 0, 0, 0, 1]))
            risk.current_impact = _clamp(risk.current_impact + rng.choice([0, 0, 0, 1, -1]))
            change = (risk.current_score > before) - (risk.current_score < before)
            risk.trend = Trend.FLUCTUATING if rng.random() < 0.1 else TREND_BY_CHANGE[change]
            risk.last_reviewed = when.date()
            risk.version += 1
            _stamp(risk, when, user, "Quarterly review")
            reviews.append(_stamp(Review(
                risk=risk, reviewed_on=when.date(), trend=risk.trend, likelihood=risk.current_likelihood,
                impact=risk.current_impact, commentary=f"Reviewed at the SMT meeting, quarter {quarter}.",
                reviewer=user,
            ), when, user, "Quarterly review"))
        bulk_create_with_history(reviews, Review, batch_size=1000)
        bulk_update_with_history(
            risk_objs, Risk, ["current_likelihood", "current_impact", "trend", "last_reviewed", "version"],
            batch_size=500,
        )
        # Some control actions move on each quarter.
        moved = [control for control in controls if control.status in (Control.Status.PLANNED, Control.Status.IN_PROGRESS)
                 and control.kind == Control.Kind.ACTION and rng.random() < 0.1]
        for control in moved:
            control.status = Control.Status.IN_PROGRESS if control.status == Control.Status.PLANNED else Control.Status.IN_PLACE
            _stamp(control, when, user, "Progress reported at the quarterly review")
        if moved:
            bulk_update_with_history(moved, Control, ["status"], batch_size=500)


def _closed_risks(risk_objs, rng, now, user):
    """About one risk in twenty-five has been closed (it keeps its history): the latest event."""
    closed = [risk for risk in risk_objs[1:] if rng.random() < 0.04]
    for risk in closed:
        risk.status = Risk.Status.CLOSED
        risk.closed_reason = "Risk no longer applies after the restructure."
        risk.version += 1
        when = now - timedelta(minutes=rng.randint(1, 600))
        risk.closed_on = timezone.localdate(when)  # long after opened_on: the constraint holds
        _stamp(risk, when, user, "Closed: no longer applies")
    if closed:
        bulk_update_with_history(closed, Risk, ["status", "closed_reason", "closed_on", "version"], batch_size=500)


class LongHistory:
    """One risk edited again and again over the two years: the history page's worst case."""

    def __init__(self, risk, rng, start, now, user):
        start = max(start, risk._history_date)  # never before the risk was raised
        step = (now - timedelta(days=1) - start) / LONG_HISTORY_REVISIONS
        self.dates = [start + step * revision for revision in range(1, LONG_HISTORY_REVISIONS + 1)]
        self.risk, self.rng, self.user, self.base, self.done = risk, rng, user, risk.description, 0

    def revise_until(self, moment):
        risk = self.risk
        while self.done < len(self.dates) and self.dates[self.done] < moment:
            self.done += 1
            risk.description = f"{self.base} Revision {self.done}: wording updated after discussion of {self.rng.choice(TOPICS)}."
            risk.target_likelihood = self.rng.randint(1, risk.current_likelihood)
            risk.version += 1
            _stamp(risk, self.dates[self.done - 1], self.user, f"Editorial revision {self.done}")
            bulk_update_with_history([risk], Risk, ["description", "target_likelihood", "version"])
