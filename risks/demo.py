"""Loads the September 2017 register (fixtures/register_2017_09.json) through the
services, so every object starts with a revision that says where it came from,
and the demo accounts (`load_demo_data`, which the `load_demo` command calls)."""

import json
import secrets
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from controls.models import Control
from riskregister import access
from riskregister.roles import ensure_roles
from riskregister.tracking import save_tracked
from risks import services
from organisation.models import RiskCategory
from risks.models import Owner, Risk
from riskregister.tracking import revisions_dated

REGISTER_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "register_2017_09.json"
REASON = "Loaded from the September 2017 Audit Panel paper"


def read_fixture(path=REGISTER_FIXTURE):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def revisions_moment(data):
    """When the fixture's revisions are dated: noon on its review date (5 September 2017),
    so the register as at the September 2017 meeting is rebuilt from the history."""
    return timezone.make_aware(datetime.combine(date.fromisoformat(data["reviewed_on"]), time(12)))


def load_register(*, user, path=REGISTER_FIXTURE):
    """Create the fixture register, its revisions dated on the fixture's review date.
    Returns False (and does nothing) if already loaded."""
    data = read_fixture(path)
    with transaction.atomic(), revisions_dated(revisions_moment(data)):
        return _load_register(data, user=user)


def _load_register(data, *, user):
    if Risk.objects.exists():
        return False
    owners = {}
    for item in data["owners"]:
        owners[item["name"]] = services.save_owner(
            Owner(name=item["name"], role_title=item.get("role_title", "")), user=user, reason=REASON
        )
    reviewed_on = date.fromisoformat(data["reviewed_on"])
    next_review = date.fromisoformat(data["next_review"])
    risks = {}
    for item in data["risks"]:
        scores = item["scores"]
        risk = services.create_risk(
            user=user, reason=REASON,
            owners=[owners[name] for name in item["owners"]],
            ref=item["ref"], title=item["title"], description=item["description"],
            summary_heading=item.get("summary_heading", ""),
            summary_statement=item.get("summary_statement", ""),
            inherent_likelihood=scores["inherent"][0], inherent_impact=scores["inherent"][1],
            current_likelihood=scores["current"][0], current_impact=scores["current"][1],
            target_likelihood=scores["target"][0], target_impact=scores["target"][1],
            opened_on=date.fromisoformat(item["opened_on"]), next_review=next_review,
        )
        services.record_review(
            risk_id=risk.pk, user=user, reason=REASON, reviewed_on=reviewed_on,
            trend=item["trend"], likelihood=scores["current"][0], impact=scores["current"][1],
        )
        for position, control in enumerate(item["controls"]):
            save_tracked(
                Control(
                    risk=risk, kind=control["kind"], name=control["name"],
                    separator=control["separator"], description=control["description"],
                    lever=control["lever"], status=control["status"],
                    due_date=date.fromisoformat(control["due_date"]) if control.get("due_date") else None,
                    owner=owners[control["owner"]] if control.get("owner") else None,
                    position=position,
                ),
                user=user, reason=REASON,
            )
        risks[item["ref"]] = risk
    for item in data["risks"]:
        for dependency in item.get("depends_on", []):
            services.add_dependency(
                risk=risks[item["ref"]], depends_on=risks[dependency["ref"]],
                note=dependency["note"], user=user, reason=REASON,
            )
    return True


# Illustrative: the September 2017 paper prints no categories.
DEMO_CATEGORIES = {
    "1": "operations", "2a": "governance", "2b": "governance", "3": "project_programme", "4": "financial",
    "5": "strategy", "6": "operations", "7": "legal", "8": "strategy", "9": "people", "10": "commercial",
    "11": "reputational", "12": "reputational", "13": "security", "14": "legal",
}
CATEGORY_REASON = "Illustrative category for the demo (the September 2017 paper prints none)"


def assign_demo_categories(*, user):
    """Give each open risk of the fixture its illustrative primary category (once), dated an
    hour after the fixture's revisions: a paper rebuilt as at a date since then (a December
    2017 draft) finds the categories in the risks' history."""
    categories = {category.key: category for category in RiskCategory.objects.all()}
    changed = 0
    with revisions_dated(revisions_moment(read_fixture()) + timedelta(hours=1)):
        for risk in Risk.objects.open().filter(category__isnull=True, ref__in=DEMO_CATEGORIES):
            services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=user, reason=CATEGORY_REASON,
                                 category=categories[DEMO_CATEGORIES[risk.ref]])
            changed += 1
    return f"Gave {changed} risks an illustrative category." if changed else ""


# The documented password of the demo accounts, for development (DEBUG on) only.
DEMO_PASSWORD = "register-demo-2017"

# username -> (first name, last name, role group or None for the superuser, owner it acts as)
DEMO_ACCOUNTS = {
    "smt": ("Siobhan", "Peters", access.SMT_EDITOR, "Siobhan Peters"),
    "author": ("Gemma", "Deadman", access.REPORT_AUTHOR, None),
    "panel": ("Panel", "Member", access.PANEL_MEMBER, None),
    "admin": ("Site", "Administrator", None, None),
}


def random_password():
    return secrets.token_urlsafe(18)


def demo_account(username, first_name, last_name, role, password):
    """The demo account, created with `password` (or a random one if None).
    Returns (user, the password set, or None if the account already existed)."""
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": first_name, "last_name": last_name}
    )
    given = None
    if created:
        given = password if password is not None else random_password()
        user.set_password(given)
        if role is None:
            user.is_staff = user.is_superuser = True
        user.save()
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    return user, given
