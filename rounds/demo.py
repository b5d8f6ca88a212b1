"""The demo's people and rounds: a sign-in account and an example.org address for every
owner, and the September 2017 round (fixtures/round_2017_09.json), complete and signed off."""

import json
import re
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from reports.models import Paper
from riskregister import access
from risks.demo import DEMO_PASSWORD, random_password
from risks.models import Owner
from rounds import services
from rounds.models import ReviewRound

ROUND_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "round_2017_09.json"
REASON = "Demo account and address for the owner"


def username_for(name):
    """"Natasha Plummer" -> "natasha.plummer"."""
    return ".".join(re.findall(r"[a-z0-9]+", name.lower()))


def owner_accounts(*, user, password):
    """Give every owner an address at example.org and a sign-in account (an SMT editor),
    reusing an account whose full name is the owner's. A new account gets `password`,
    or a random one when it is None. Returns {username: (owner name, password set or None)}."""
    User = get_user_model()
    editors = Group.objects.get(name=access.SMT_EDITOR)
    accounts = {}
    for owner in Owner.objects.order_by("name"):
        changed, given = False, None
        if not owner.email:
            owner.email = f"{username_for(owner.name)}@example.org"
            changed = True
        if owner.user_id is None:
            first, _, last = owner.name.partition(" ")
            account = User.objects.filter(first_name=first, last_name=last).exclude(risk_owner__isnull=False).first()
            if account is None:
                account, created = User.objects.get_or_create(
                    username=username_for(owner.name), defaults={"first_name": first, "last_name": last})
                if created:
                    given = password if password is not None else random_password()
                    account.set_password(given)
                    account.save()
                account.groups.add(editors)
            owner.user = account
            changed = True
        if changed:
            owner._history_user = user
            owner._change_reason = REASON
            owner.save()
        accounts[owner.user.username] = (owner.name, given)
    return accounts


@transaction.atomic
def load_demo_rounds(*, user, password=DEMO_PASSWORD, path=ROUND_FIXTURE):
    """Owners' accounts and addresses, and the fixture's rounds. Returns a message for load_demo
    (naming each random password, when there are some: it is shown only then)."""
    accounts = owner_accounts(user=user, password=password)
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    loaded = []
    for item in data["rounds"]:
        paper = Paper.objects.filter(meeting_date=date.fromisoformat(item["meeting_date"])).first()
        if paper is None or ReviewRound.objects.filter(paper=paper).exists():
            continue
        review_round = ReviewRound.objects.create(
            paper=paper, opens_on=date.fromisoformat(item["opens_on"]),
            deadline=date.fromisoformat(item["deadline"]), opened_by=user,
        )
        signer = get_user_model().objects.filter(username=item["signed_off_by"]).first() or user
        services.sign_off(review_round=review_round, user=signer, note=item["note"])
        loaded.append(f"{paper.meeting_date:%d %B %Y}")
    if password is not None:
        lines = ["Owners' accounts (same demo password): " + ", ".join(
            f"{username} ({name})" for username, (name, _) in accounts.items())]
    else:
        lines = ["Owners' accounts:"] + [
            f"  {username:<16} {name}" + (f"  password: {given}" if given else "  (already existed: password unchanged)")
            for username, (name, given) in accounts.items()]
    if loaded:
        lines.append(f"Loaded the review round for {', '.join(loaded)}, complete and signed off.")
    return "\n".join(lines)
