"""Small builders for tests that need risks beyond the fixture register."""

from risks import services
from reports.models import Paper
from risks.models import Owner, Risk

SCORES = dict(
    inherent_likelihood=4, inherent_impact=4, current_likelihood=3, current_impact=3,
    target_likelihood=2, target_impact=2,
)


def make_owner(name="Test Owner", *, user=None):
    return services.save_owner(Owner(name=name), user=user, reason="Test owner")


def make_risk(ref, *, user=None, owners=(), title=None, **fields):
    values = {**SCORES, "title": f"Risk {ref} title" if title is None else title, "description": f"Failure to do thing {ref}", **fields}
    return services.create_risk(user=user, reason="Test risk", owners=owners, ref=ref, **values)


def funding():
    """The fixture's "Adequate funding" risk (ref 4), fresh from the database."""
    return Risk.objects.get(title="Adequate funding")


def september_paper():
    """The demo's paper for the Audit Panel of 22 September 2017, fresh from the database."""
    return Paper.objects.get(meeting_date="2017-09-22")
