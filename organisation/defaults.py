"""The settings a register starts with, for a database whose settings tables were
emptied (a test's flush; the data migration 0002_starting_settings keeps its own
frozen copy for new databases): the organisation's name from the environment, the
three score bands, the three levers, the GFF appetite scale and categories."""

from django.conf import settings
from django.db import transaction

from organisation import current
from organisation.models import AppetiteLevel, Lever, Organisation, RiskCategory, ScoreBand
from riskregister.tracking import save_tracked

REASON = "The settings the register started with"

LEVERS = [
    ("oversight", "Oversight", "Holding partners to account for what they deliver."),
    ("convening", "Convening partners", "Bringing partners together to act on a shared problem."),
    ("direct_delivery", "Direct delivery", "Services the organisation commissions or runs itself."),
]
SCALE = [
    ("averse", "Averse", "Avoidance of risk and uncertainty is a key organisational objective."),
    ("minimal", "Minimal", "Preference for very safe options that have a low degree of inherent risk."),
    ("cautious", "Cautious", "Preference for safe options that have a low degree of inherent risk."),
    ("open", "Open", "Willing to consider all options and choose the one most likely to succeed."),
    ("eager", "Eager", "Eager to be innovative and to choose options offering potentially higher rewards."),
]
CATEGORIES = [
    ("strategy", "Strategy"), ("governance", "Governance"), ("operations", "Operations"),
    ("legal", "Legal"), ("property", "Property"), ("financial", "Financial"),
    ("commercial", "Commercial"), ("people", "People"), ("technology", "Technology"),
    ("information", "Information"), ("security", "Security"),
    ("project_programme", "Project/programme"), ("reputational", "Reputational"),
]


@transaction.atomic
def ensure_defaults(*, user=None):
    """Create whichever part of the starting settings is missing. Returns True if any was."""
    created = False
    if not Organisation.objects.exists():
        save_tracked(Organisation(pk=1, name=settings.ORGANISATION_NAME, short_name=settings.ORGANISATION_SHORT_NAME),
                     user=user, reason=REASON)
        created = True
    if not ScoreBand.objects.exists():
        for key, label, lowest, highest, colour, pattern in current.DEFAULT_BANDS:
            save_tracked(ScoreBand(key=key, label=label, lowest=lowest, highest=highest, colour=colour, pattern=pattern),
                         user=user, reason=REASON)
        created = True
    for model, entries in ((Lever, LEVERS), (AppetiteLevel, SCALE), (RiskCategory, [(k, l, "") for k, l in CATEGORIES])):
        if model.objects.exists():
            continue
        for position, (key, label, description) in enumerate(entries, start=1):
            save_tracked(model(key=key, label=label, description=description, position=position), user=user, reason=REASON)
        created = True
    current.forget()
    return created
