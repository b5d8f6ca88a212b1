"""What the start page shows: gathered here into plain lists, so the template runs no queries."""

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from controls.models import Control
from riskregister import access
from risks.appetite import outside_among
from risks.models import Review, Risk
from rounds.status import my_updates

RECENT_CHANGES = 15
HISTORY_VERBS = {"+": "Created", "~": "Changed", "-": "Deleted"}
CHANGE_COLUMNS = (
    "history_date", "history_type", "history_change_reason",
    "history_user__username", "history_user__first_name", "history_user__last_name",
)

# Landing links: (capability, URL name, link text, what it is for). A link shows when
# the user has the capability.
LANDING_LINKS = (
    ("view_register", "risks:register", "The corporate risk register", "Every open risk, with filters, a heat map and exports."),
    ("compose_papers", "reports:list", "Quarterly papers", "Compose, preview and publish the Audit Panel paper."),
    ("read_published", "published:overview", "Published papers", "Papers as the Audit Panel received them."),
    ("view_panel_items", "panel:list", "Panel questions and actions", "What the panel asked at each meeting, who answers, and the answers."),
    ("raise_questions", "panel:list", "Your questions", "The questions you raised on published papers, and their answers."),
    ("view_register", "panel:levers", "Lever coverage", "Every open risk against the three levers; unused levers marked."),
    ("view_register", "rounds:list", "Review rounds", "Owners update their risks before each paper; reminders and SMT sign-off."),
)


@dataclass
class Change:
    when: datetime
    who: str
    what: str
    verb: str
    reason: str
    risk_id: int | None
    risk_label: str


def landing_links(user):
    links = {}  # one link per page: the first that applies (the admin may do both panel things)
    for capability, url_name, text, hint in LANDING_LINKS:
        if access.can(user, capability) and url_name not in links:
            links[url_name] = {"url": reverse(url_name), "text": text, "hint": hint}
    return list(links.values())


def open_risks():
    """Every open risk with its owners, in register order: the start page's lists share it."""
    return list(Risk.objects.open().with_owners())


def owned_by(user, risks):
    return [risk for risk in risks if risk.is_owned_by(user)]


def overdue_reviews(today, risks):
    """Those of the open `risks` whose next review is before `today` (Risk.is_review_overdue)."""
    overdue = [risk for risk in risks if risk.is_review_overdue(today)]
    return sorted(overdue, key=lambda risk: (risk.next_review, risk.ref_number, risk.ref_suffix))


def overdue_controls(today):
    return list(
        Control.objects.overdue(today)
        .select_related("risk", "owner")
        .order_by("due_date", "risk__ref_number", "risk__ref_suffix", "position")
    )


def _who(record):
    if record["history_user__username"] is None:
        return "System"
    full_name = f"{record['history_user__first_name']} {record['history_user__last_name']}".strip()
    return full_name or record["history_user__username"]


def recent_changes(user, limit=RECENT_CHANGES):
    """Newest revisions of risks, controls and reviews by anyone but `user` (three queries).
    Plain values of the columns shown: a revision holds every field of the tracked row."""
    changes = []
    for model, what, risk_columns in (
        (Risk, "Risk", ("id", "ref", "title")),
        (Control, "Control", ("risk_id", "risk__ref", "risk__title")),
        (Review, "Review", ("risk_id", "risk__ref", "risk__title")),
    ):
        records = (model.history.exclude(history_user=user).order_by("-history_date", "-history_id")
                   .values(*CHANGE_COLUMNS, *risk_columns)[:limit])
        for record in records:
            risk_id, ref, title = (record[column] for column in risk_columns)
            changes.append(Change(
                when=record["history_date"], who=_who(record), what=what,
                verb=HISTORY_VERBS.get(record["history_type"], "Changed"),
                reason=record["history_change_reason"] or "", risk_id=risk_id,
                risk_label=f"{ref} {title}" if ref is not None else "",
            ))
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]


def risks_outside_appetite(today, risks=None):
    """Open risks above their category's tolerance, each with its plan's state (a fixed number of queries)."""
    risks = open_risks() if risks is None else risks
    return [{"risk": risk, "owners": risk.ordered_owners(), "appetite": status}
            for risk, status in outside_among(risks, today)]


def dashboard(user, risks, outside):
    """The SMT editor's lists. `risks`: open_risks(); `outside`: risks_outside_appetite() of them."""
    today = timezone.localdate()
    appetite = {item["risk"].pk: item["appetite"] for item in outside}
    return {
        "today": today,
        "my_updates": my_updates(user, today, risks, appetite),
        "my_risks": owned_by(user, risks),
        "can_create_risk": access.can(user, "edit_register"),
        "overdue_reviews": overdue_reviews(today, risks),
        "overdue_controls": overdue_controls(today),
        "recent_changes": recent_changes(user),
    }
