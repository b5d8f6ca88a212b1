"""The whole demo, as `load_demo` makes it: the roles, the demo accounts, the
September 2017 register (risks.demo), its paper (reports.demo) and its review
round (rounds.demo). A plain function, so the test suite loads it once per
session without the command (which refuses with DEBUG off)."""

from django.db import transaction

from reports.demo import load_demo_papers
from riskregister.roles import ensure_roles
from risks import services
from organisation.defaults import ensure_defaults
from organisation.demo import load_demo_appetites
from risks.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, assign_demo_categories, demo_account, load_register
from risks.models import Owner
from rounds.demo import load_demo_rounds

__all__ = ["DEMO_PASSWORD", "load_demo_data"]


@transaction.atomic
def load_demo_data(*, password=DEMO_PASSWORD):
    """The roles, the demo accounts, the September 2017 register and paper. Safe to run twice.

    New accounts get `password`, or each a random one when it is None.
    Returns (messages, {username: password set, or None for an existing account}).
    """
    ensure_roles()
    ensure_defaults()
    accounts = {username: demo_account(username, *details[:3], password) for username, details in DEMO_ACCOUNTS.items()}
    users = {username: user for username, (user, _) in accounts.items()}
    loaded = load_register(user=users["admin"])
    messages = ["Loaded the September 2017 register." if loaded else "The register was already loaded."]
    messages.append(assign_demo_categories(user=users["admin"]))
    messages.append(load_demo_appetites(user=users["admin"]))
    # What other apps add: the September 2017 paper, then its review round and the owners' accounts.
    messages.append(load_demo_papers(user=users["admin"]))
    messages.append(load_demo_rounds(user=users["admin"], password=password))
    for username, (*_, owner_name) in DEMO_ACCOUNTS.items():
        if owner_name:
            owner = Owner.objects.filter(name=owner_name, user__isnull=True).first()
            if owner is not None:
                owner.user = users[username]
                services.save_owner(owner, user=users["admin"], reason="Linked to the demo account")
    return [message for message in messages if message], {username: given for username, (_, given) in accounts.items()}
