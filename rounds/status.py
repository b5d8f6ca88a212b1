"""Where a round stands, worked out from the register: each risk's status, by owner,
and the sign-off's state. Gathered into plain structures before a template renders."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from organisation.current import current
from risks.appetite import applies_to_round, statuses
from risks.models import Review, Risk
from rounds.models import Confirmation, SignOff

AWAITING, UPDATED, CONFIRMED, CLOSED = "awaiting", "updated", "confirmed", "closed"
NO_PLAN_LABEL = "Outside appetite with no action plan"
STATUS_LABELS = {
    AWAITING: "Awaiting update", UPDATED: "Updated", CONFIRMED: "Confirmed unchanged", CLOSED: "Closed",
}
DONE = (UPDATED, CONFIRMED, CLOSED)


@dataclass
class RiskRow:
    risk: Risk
    owners: list
    status: str
    overdue: bool
    confirmation: Confirmation | None = None
    # Outside its category's appetite with no plan, in a round held to that appetite.
    needs_plan: bool = False

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def done(self):
        return self.status in DONE and not self.needs_plan


@dataclass
class OwnerRow:
    owner: object
    rows: list = field(default_factory=list)

    @property
    def outstanding(self):
        return [row for row in self.rows if not row.done]

    @property
    def done_count(self):
        return len(self.rows) - len(self.outstanding)


def round_risks(review_round):
    """Every risk open on the day the round opened."""
    return Risk.objects.open_on(review_round.opens_on).with_owners()


def needing_plans(review_round, risks, today, known=None):
    """Ids of the round's open risks outside appetite with no plan, held to an appetite approved
    by the day the round opened. A closed round is a record: it is never reopened by it.
    `known`, if given, is {risk id: AppetiteStatus} of every open risk outside appetite."""
    if not review_round.is_open:
        return set()
    org = current()
    held = [risk for risk in risks if risk.closed_on is None
            and applies_to_round(org.appetite_for(risk.category_id), review_round.opens_on)]
    if not held:
        return set()
    found = statuses(held, today, org) if known is None else known
    return {risk.pk for risk in held if risk.pk in found and found[risk.pk].needs_plan}


def risk_rows(review_round, today=None, risks=None, appetite=None):
    """One row per risk in the round, with its status (a fixed number of queries, whatever the size).
    `risks`, if given, are those of the round's risks wanted (loaded with their owners);
    `appetite` as needing_plans' `known`."""
    today = today or timezone.localdate()
    risks = list(round_risks(review_round)) if risks is None else risks
    ids = [risk.pk for risk in risks]
    confirmations = {
        c.risk_id: c for c in Confirmation.objects.filter(round=review_round, risk_id__in=ids)
        .select_related("confirmed_by", "on_behalf_of")
    }
    reviewed = set(Review.objects.filter(risk_id__in=ids, reviewed_on__gte=review_round.opens_on)
                   .values_list("risk_id", flat=True))
    edited = set(Risk.history.filter(id__in=ids, history_date__gte=review_round.opened_at)
                 .values_list("id", flat=True))
    no_plan = needing_plans(review_round, risks, today, appetite)
    rows = []
    for risk in risks:
        if risk.closed_on is not None:
            status = CLOSED
        elif risk.pk in confirmations:
            status = CONFIRMED
        elif risk.pk in reviewed or risk.pk in edited:
            status = UPDATED
        else:
            status = AWAITING
        rows.append(RiskRow(
            risk=risk, owners=risk.ordered_owners(), status=status,
            overdue=status == AWAITING and today > review_round.deadline,
            confirmation=confirmations.get(risk.pk), needs_plan=risk.pk in no_plan,
        ))
    return rows


def owner_rows(rows):
    """The rows grouped by owner (a risk with two owners is under both), by name."""
    by_owner = {}
    for row in rows:
        for owner in row.owners or [None]:
            key = owner.pk if owner else None
            by_owner.setdefault(key, OwnerRow(owner=owner)).rows.append(row)
    return sorted(by_owner.values(), key=lambda group: (group.owner is None, group.owner.name if group.owner else ""))


# The register's state, for the sign-off -------------------------------------------------

DIGEST_FIELDS = (
    "id", "ref", "title", "description", "status", "closed_on", "owner_names", "trend", "last_reviewed",
    "next_review", "inherent_likelihood", "inherent_impact", "current_likelihood", "current_impact",
    "target_likelihood", "target_impact", "version",
)


def register_state(review_round):
    """(SHA-256 of the round's risks as they are now, {risk id: version})."""
    values = list(Risk.objects.open_on(review_round.opens_on).order_by("pk").values(*DIGEST_FIELDS))
    text = json.dumps(values, default=lambda value: value.isoformat() if isinstance(value, date) else str(value),
                      sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest(), {str(v["id"]): v["version"] for v in values}


@dataclass
class SignOffState:
    sign_off: SignOff | None
    current: bool
    changed_refs: list

    @property
    def out_of_date(self):
        return self.sign_off is not None and not self.current


def sign_off_state(review_round, risks=None):
    sign_off = review_round.sign_offs.select_related("signed_by").first()
    if sign_off is None:
        return SignOffState(None, False, [])
    digest, versions = register_state(review_round)
    if digest == sign_off.register_sha256:
        return SignOffState(sign_off, True, [])
    risks = risks if risks is not None else list(round_risks(review_round))
    changed = [risk.ref for risk in risks if sign_off.risk_versions.get(str(risk.pk)) != versions.get(str(risk.pk))]
    return SignOffState(sign_off, False, changed)


def my_updates(user, today=None, open_risks=None, appetite=None):
    """The user's risks awaiting update in open rounds: [{"round", "rows"}], for "My updates".
    `open_risks` (every open risk, with owners) and `appetite` (statuses of those outside
    appetite), if given, spare reading them again."""
    if not user.is_authenticated:
        return []
    from rounds.models import ReviewRound

    found = []
    for review_round in ReviewRound.objects.filter(closed_at__isnull=True).select_related("paper"):
        risks = None
        if open_risks is not None:
            # Only a risk still open can be outstanding; a closed one counts as done.
            risks = [risk for risk in open_risks if risk.opened_on <= review_round.opens_on
                     and risk.is_owned_by(user)]
            if not risks:
                continue
        rows = [row for row in risk_rows(review_round, today, risks, appetite)
                if not row.done and row.risk.is_owned_by(user)]
        if rows:
            found.append({"round": review_round, "rows": rows})
    return found
