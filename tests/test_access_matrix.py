"""Every URL of the application, for every role: the expected answer.

The URLs are found by walking the resolver, so a new URL without an expectation
in EXPECTED (or a new admin model without a line in ADMIN_MODELS) fails
test_every_url_has_an_expectation. To add one: a line in EXPECTED, one answer
per role, in ROLES order.

This is the one place for "who may open what": the pages' own tests do not
repeat it (they test what each role sees and does).

Answers: 200; LOGIN (302 to the sign-in page); ADMIN_LOGIN (302 to the admin's
sign-in page); REDIRECT (302 elsewhere: a signed-in user on the sign-in page,
for instance); 403; 404; 405.
"""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import URLResolver, get_resolver, resolve, reverse

from organisation.models import AppetiteLevel, CategoryAppetite, Lever, Organisation, RiskCategory, ScoreBand
from panel.models import Alignment, DeepDive, PanelItem, Partner, PartnerRisk
from panel.services import link_partner_risk, raise_question, schedule_deep_dive
from riskregister.tracking import save_tracked
from publications import publishing
from publications.models import Publication
from reports.models import Paper
from risks.models import Risk, RiskDependency
from tests.worker import run_worker

LOGIN, ADMIN_LOGIN, REDIRECT = "login", "admin login", "redirect"
ROLES = (None, "panel", "smt", "author", "admin")  # None: anonymous
PUBLIC = "public"  # anonymous, with PUBLISHED_PAPERS_PUBLIC on

# name (or route, for unnamed patterns) -> answers for (anonymous, panel, smt, author, admin)
EXPECTED = {
    "home": (LOGIN, 200, 200, 200, 200),
    "healthz": (200, 200, 200, 200, 200),  # for load balancers: says only which check fails (503)
    "login": (200, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "logout": (LOGIN, 405, 405, 405, 405),  # sign out is a POST
    "password_change": (LOGIN, 200, 200, 200, 200),
    "password_change_done": (LOGIN, 200, 200, 200, 200),
    "stay_signed_in": (405, 405, 405, 405, 405),  # the session warning's button: a POST, answered signed in or not
    # The register (issue 1/3)
    "risks:register": (LOGIN, 403, 200, 200, 200),
    "risks:detail": (LOGIN, 403, 200, 200, 200),
    "risks:history": (LOGIN, 403, 200, 200, 200),
    "risks:export_csv": (LOGIN, 403, 200, 200, 200),
    "risks:export_xlsx": (LOGIN, 403, 200, 200, 200),
    "risks:create": (LOGIN, 403, 200, 403, 200),
    # The register workbook and its import (issue 14): SMT editors only.
    "risks:workbook": (LOGIN, 403, 200, 403, 200),
    "risks:workbook_template": (LOGIN, 403, 200, 403, 200),
    "risks:import": (LOGIN, 403, 200, 403, 200),
    "risks:import_preview": (LOGIN, 403, REDIRECT, 403, REDIRECT),  # nothing uploaded yet: back to the upload page
    "risks:edit": (LOGIN, 403, 200, 403, 200),
    "risks:close": (LOGIN, 403, 200, 403, 200),
    "risks:reopen": (LOGIN, 403, 200, 403, 200),
    "risks:review": (LOGIN, 403, 200, 403, 200),
    "risks:restore": (LOGIN, 403, 200, 403, 200),
    "risks:dependencies": (LOGIN, 403, 200, 403, 200),
    "risks:remove_dependency": (LOGIN, 405, 405, 405, 405),  # a POST
    # Risk appetite (issue 17): SMT editors and risk managers (the author holds manage_settings).
    "risks:accept_outside_appetite": (LOGIN, 403, 200, 200, 200),
    "risks:withdraw_acceptance": (LOGIN, 403, 200, 200, 200),  # none in force here: the page says so
    # Drafts of papers (issue 4)
    "reports:list": (LOGIN, 403, 200, 200, 200),
    "reports:create": (LOGIN, 403, 403, 200, 200),
    "reports:edit": (LOGIN, 403, 403, 200, 200),
    "reports:appendix_2": (LOGIN, 403, 403, 200, 200),
    "reports:delete": (LOGIN, 403, 403, 200, 200),  # published here: the page says it cannot be deleted
    "reports:restart": (LOGIN, 403, 403, 200, 200),
    "reports:preview": (LOGIN, 403, 200, 200, 200),
    "reports:preview_restricted": (LOGIN, 403, 200, 200, 200),
    "reports:pdf": (LOGIN, 403, 200, 200, 200),  # paper.pdf, the draft PDF's first address
    "reports:file": (LOGIN, 403, 200, 200, 200),  # public.<format>
    "reports:file_restricted": (LOGIN, 403, 200, 200, 200),  # restricted.<format>
    "reports:publish": (LOGIN, 403, 403, 200, 200),
    "reports:publish_job": (LOGIN, 403, 403, 200, 200),  # a publish job's progress
    # Published papers (issue 5)
    "published:overview": (LOGIN, 200, 200, 200, 200),
    "published:current": (LOGIN, 200, 200, 200, 200),
    "published:version": (LOGIN, 200, 200, 200, 200),
    "published:file": (LOGIN, 200, 200, 200, 200),  # public.<format>: public.pdf, public.html...
    "published:open_data_csv": (LOGIN, 200, 200, 200, 200),  # Appendix 1 of the public pack (issue 14)
    "published:open_data_json": (LOGIN, 200, 200, 200, 200),  # the public snapshot (issue 14)
    "published:version_restricted": (LOGIN, 403, 200, 200, 200),
    "published:file_restricted": (LOGIN, 403, 200, 200, 200),  # restricted.<format>
    # Review rounds and owners (issue 12)
    "rounds:list": (LOGIN, 403, 200, 200, 200),
    "rounds:open": (LOGIN, 403, 403, 200, 200),
    "rounds:detail": (LOGIN, 403, 200, 200, 200),
    "rounds:csv": (LOGIN, 403, 200, 200, 200),
    "rounds:confirm": (LOGIN, 403, 200, 403, 200),
    "rounds:sign_off": (LOGIN, 403, 200, 403, 200),
    "rounds:owners": (LOGIN, 403, 200, 200, 200),
    "rounds:owner_create": (LOGIN, 403, 200, 403, 200),
    "rounds:owner_edit": (LOGIN, 403, 200, 403, 200),
    # Panel questions and actions (issue 15): a panel member sees only their own
    # (the world's item was raised by `panel`) and raises questions on the current published paper.
    "panel:list": (LOGIN, 200, 200, 200, 200),
    "panel:create": (LOGIN, 403, 403, 200, 200),
    "panel:detail": (LOGIN, 200, 200, 200, 200),
    "panel:edit": (LOGIN, 403, 403, 200, 200),
    "panel:answer": (LOGIN, 403, 200, 200, 200),
    "panel:ask": (LOGIN, 200, 403, 403, 200),
    "panel:levers": (LOGIN, 403, 200, 200, 200),
    "panel:deep_dive_create": (LOGIN, 403, 403, 200, 200),
    "panel:risk_partners": (LOGIN, 403, 200, 403, 200),
    "panel:remove_alignment": (LOGIN, 405, 405, 405, 405),  # a POST
    "panel:levers_csv": (LOGIN, 403, 200, 200, 200),
    # The organisation's settings (issue 17): the risk manager (the report author role) and superusers.
    "organisation:index": (LOGIN, 403, 403, 200, 200),
    "organisation:organisation": (LOGIN, 403, 403, 200, 200),
    "organisation:bands": (LOGIN, 403, 403, 200, 200),
    "organisation:bands_css": (LOGIN, 200, 200, 200, 200),  # the bands' colours: every signed-in page links it
    "organisation:appetites": (LOGIN, 403, 403, 200, 200),
    "organisation:appetite_edit": (LOGIN, 403, 403, 200, 200),
    "organisation:history": (LOGIN, 403, 403, 200, 200),
    "organisation:entries": (LOGIN, 403, 403, 200, 200),
    "organisation:entry_create": (LOGIN, 403, 403, 200, 200),
    "organisation:entry_edit": (LOGIN, 403, 403, 200, 200),
    "organisation:entry_delete": (LOGIN, 403, 403, 200, 200),  # a lever in use: the page says retire it instead
    # The task queue's results (django-tasks-db): read-only, staff only.
    "admin:django_tasks_database_dbtaskresult_changelist": (LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200),
    "admin:django_tasks_database_dbtaskresult_add": (LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403),
    "admin:django_tasks_database_dbtaskresult_change": (LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200),
    "admin:django_tasks_database_dbtaskresult_delete": (LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403),
    "admin:django_tasks_database_dbtaskresult_history": (LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200),
    "admin/django_tasks_database/dbtaskresult/<path:object_id>/": (LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, REDIRECT),
    # The admin: staff only (the demo's admin is the only staff account).
    "admin:index": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200),
    "admin:login": (200, 200, 200, 200, REDIRECT),
    "admin:logout": (ADMIN_LOGIN, REDIRECT, REDIRECT, REDIRECT, 405),  # sign out is a POST
    "admin:password_change": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200),
    "admin:password_change_done": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200),
    "admin:autocomplete": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403),  # needs a field to complete
    "admin:jsi18n": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200),
    "admin:view_on_site": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 404),  # risks have no public URL
    "admin:app_list": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200),
    "admin:auth_user_password_change": (LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200),
    "admin/(?P<url>.*)$": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 404),
}

# Anonymous visitors where PUBLISHED_PAPERS_PUBLIC is on: these answers change, the rest stay as for anonymous.
PUBLIC_ANSWERS = {
    "published:overview": 200, "published:current": 200, "published:version": 200,
    "published:file": 200, "published:open_data_csv": 200, "published:open_data_json": 200,
}

# Every model in the admin, and the answers of its pages (anonymous visitors meet
# the site's sign-in first: LoginRequiredMiddleware; signed-in non-staff, the admin's).
STAFF_ONLY = (LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN)
ADMIN_PAGES = {"changelist": 200, "add": 200, "change": 200, "delete": 200, "history": 200, "simple_history": 200,
               "redirect": REDIRECT}
READ_ONLY = {"add": 403, "delete": 403}
ADMIN_MODELS = {
    "auth_group": {}, "auth_user": {},
    "axes_accessattempt": {"add": 403}, "axes_accesslog": {"add": 403}, "axes_accessfailurelog": {"add": 403},
    "risks_risk": {}, "risks_owner": {}, "risks_review": {}, "risks_riskowner": {}, "risks_riskdependency": {},
    "controls_control": {}, "reports_paper": {},
    "publications_publication": {"add": 403, "delete": 403},  # read-only: nothing published is changed
    "rounds_reviewround": {}, "rounds_reminder": {"add": 403},
    "rounds_signoff": {"add": 403},  # its change page shows it read-only
    # Read-only: written through the site's pages (reason and version); partners are kept in the admin.
    "panel_panelitem": READ_ONLY, "panel_deepdive": READ_ONLY, "panel_alignment": READ_ONLY,
    "panel_partner": {}, "panel_partnerrisk": {},
    # Read-only: changed in the settings pages, which check the bands as a set and refuse deleting what is in use.
    **{f"organisation_{name}": READ_ONLY for name in ("organisation", "scoreband", "lever", "riskcategory",
                                                      "appetitelevel", "categoryappetite")},
}


def admin_expected():
    expected = {}
    for prefix, exceptions in ADMIN_MODELS.items():
        for page, answer in {**ADMIN_PAGES, **exceptions}.items():
            key = f"admin/{prefix.replace('_', '/', 1)}/<path:object_id>/" if page == "redirect" else f"admin:{prefix}_{page}"
            expected[key] = (*STAFF_ONLY, answer)
    return expected


def all_expected():
    return {**EXPECTED, **admin_expected()}


# Walking the URLs -------------------------------------------------------------------

def walk(patterns, prefix="", namespace=None):
    """(key, route) for every URL pattern: key is "namespace:name", or the route if unnamed."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            nested = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), nested)
        else:
            route = prefix + str(pattern.pattern)
            if pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), route
            else:
                yield route, route


def all_urls():
    return list(walk(get_resolver().url_patterns))


PARAMETER = re.compile(r"<(?:\w+:)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>[^)]*\)|\(\[\^/\]\+\)")


def fill(route, named, positional):
    """The route with its parameters filled in: a concrete path."""
    values = iter(positional)

    def value(match):
        name = match["name"] or match["group"]
        return str(named[name]) if name else str(next(values))

    return "/" + PARAMETER.sub(value, route).replace("^", "").replace("$", "")


def admin_object(key, objects):
    for prefix in ADMIN_MODELS:
        if key.startswith(f"admin:{prefix}_") or key.startswith(f"admin/{prefix.replace('_', '/', 1)}/"):
            return objects[prefix]
    return None


def path_for(key, route, world):
    obj = admin_object(key, world["admin_objects"])
    named = {
        "pk": world["paper"].pk, "paper": world["publication"].paper_id, "version": world["publication"].version,
        "object_id": obj.pk if obj is not None else None, "id": world["users"]["panel"].pk,
        "app_label": "reports", "url": "no-such-page/", "format": "pdf",
        "content_type_id": ContentType.objects.get_for_model(Risk).pk, "risk": world["risk"].pk,
    }
    if key.startswith("risks:"):
        named["pk"] = world["risk"].pk
        named["history_id"] = world["risk"].history.order_by("history_id").first().history_id
    if key == "risks:remove_dependency":
        dependency = RiskDependency.objects.order_by("pk").first()
        named["pk"], named["dependency"] = dependency.risk_id, dependency.pk
    if key.startswith("rounds:"):
        named["pk"] = world["round"].pk
        named["owner"] = world["admin_objects"]["risks_owner"].pk
    if key.startswith("panel:"):
        named["pk"] = world["panel_item"].pk
    if key == "panel:remove_alignment":
        named["pk"] = Alignment.objects.order_by("pk").first().pk
    if key.startswith("organisation:"):
        named["kind"], named["pk"] = "levers", world["admin_objects"]["organisation_lever"].pk
        named["category"] = world["admin_objects"]["organisation_riskcategory"].pk
    if key == "reports:publish_job":
        named["job"] = world["publish_job"].pk
    if "dbtaskresult" in key:
        named["object_id"] = world["task"].id
    if key == "admin:view_on_site":
        named["object_id"] = world["risk"].pk
    positional = [obj.pk, obj.history.first().history_id] if key.endswith("_simple_history") else []
    path = fill(route, named, positional)
    assert resolve(path).route is not None  # the path really is this pattern's
    return path


@pytest.fixture
def world(demo, client):
    paper = Paper.objects.get(meeting_date="2017-09-22")
    publication = publishing.publish_paper(paper_id=paper.pk, user=demo["author"])
    # Sign-in attempts leave the axes records the admin lists.
    client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    client.post(reverse("login"), {"username": "panel", "password": "register-demo-2017"})
    client.logout()
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from controls.models import Control
    from django.contrib.auth.models import Group, User
    from risks.models import Owner, Review, RiskDependency, RiskOwner
    from risks.services import add_dependency
    from rounds.models import Reminder, ReviewRound, SignOff
    from rounds.tasks import send_reminders_task

    if not AccessFailureLog.objects.exists():
        AccessFailureLog.objects.create(username="nobody", ip_address="127.0.0.1", user_agent="test", path_info="/")
    risks = list(Risk.objects.open()[:2])
    if not RiskDependency.objects.exists():
        add_dependency(risk=risks[0], depends_on=risks[1], user=demo["admin"], reason="For the access matrix")
    models = {
        "auth_group": Group, "auth_user": User, "axes_accessattempt": AccessAttempt, "axes_accesslog": AccessLog,
        "axes_accessfailurelog": AccessFailureLog, "risks_risk": Risk, "risks_owner": Owner, "risks_review": Review,
        "risks_riskowner": RiskOwner, "risks_riskdependency": RiskDependency, "controls_control": Control,
        "reports_paper": Paper, "publications_publication": Publication,
        "rounds_reviewround": ReviewRound, "rounds_reminder": Reminder, "rounds_signoff": SignOff,
        "panel_panelitem": PanelItem, "panel_deepdive": DeepDive,
        "panel_partner": Partner, "panel_partnerrisk": PartnerRisk, "panel_alignment": Alignment,
        "organisation_organisation": Organisation, "organisation_scoreband": ScoreBand, "organisation_lever": Lever,
        "organisation_riskcategory": RiskCategory, "organisation_appetitelevel": AppetiteLevel,
        "organisation_categoryappetite": CategoryAppetite,
    }
    if not Alignment.objects.exists():
        mps = save_tracked(Partner(name="Metropolitan Police Service"), user=demo["admin"], reason="For the access matrix")
        link_partner_risk(risk=risks[0], partner=mps, ref="MPS-7", title="Funding", user=demo["admin"],
                          reason="For the access matrix")
    if not DeepDive.objects.exists():
        later = Paper.objects.create(meeting_date="2017-12-12", title="MOPAC Risk Management Report")
        schedule_deep_dive(risk=risks[0], paper=later, user=demo["author"], reason="For the access matrix")
    panel_item = raise_question(publication=publication, text="What is the plan for knife crime?",
                                user=demo["panel"])
    review_round = ReviewRound.objects.get(paper=paper)
    if not Reminder.objects.exists():
        Reminder.objects.create(round=review_round, owner=Owner.objects.first(), kind="opening",
                                due_on=review_round.opens_on)
    task = send_reminders_task.enqueue()
    from publications.models import PublishJob

    publish_job = PublishJob.objects.create(paper=paper, expected_version=1, expected_paper_version=paper.version,
                                            requested_by=demo["author"], status=PublishJob.Status.DONE,
                                            publication=publication)
    run_worker()  # the worker has been seen: /healthz answers 200
    return {
        "publish_job": publish_job, "panel_item": panel_item,
        "paper": paper, "publication": publication, "risk": risks[0], "users": demo,
        "round": review_round, "task": task,
        "admin_objects": {prefix: model.objects.order_by("pk").first() for prefix, model in models.items()},
    }


def answer(response):
    if response.status_code != 302:
        return response.status_code
    location = response["Location"]
    if location.startswith(reverse("admin:login")):
        return ADMIN_LOGIN
    if location.startswith(reverse("login")):
        return LOGIN
    return REDIRECT if location else 302


def observe(client, users, role, paths):
    client.logout()
    if role not in (None, PUBLIC):
        client.force_login(users[role], backend="django.contrib.auth.backends.ModelBackend")
    return {key: answer(client.get(path)) for key, path in paths.items()}


# Tests ------------------------------------------------------------------------------

def test_every_url_has_an_expectation():
    expected = all_expected()
    missing = [key for key, _ in all_urls() if key not in expected]
    assert not missing, f"URLs without an expectation in tests/test_access_matrix.py: {missing}"
    for key, answers in expected.items():
        assert len(answers) == len(ROLES), key


@pytest.mark.django_db
def test_every_url_for_every_role(world, client, settings):
    expected = all_expected()
    paths = {key: path_for(key, route, world) for key, route in all_urls()}
    wrong = []
    for index, role in enumerate(ROLES):
        for key, got in observe(client, world["users"], role, paths).items():
            if got != expected[key][index]:
                wrong.append(f"{role or 'anonymous'} GET {paths[key]} ({key}): expected {expected[key][index]}, got {got}")
    settings.PUBLISHED_PAPERS_PUBLIC = True
    for key, got in observe(client, world["users"], PUBLIC, paths).items():
        want = PUBLIC_ANSWERS.get(key, expected[key][0])
        if got != want:
            wrong.append(f"anonymous (published papers public) GET {paths[key]} ({key}): expected {want}, got {got}")
    assert not wrong, "\n".join(wrong)


# What a panel member may open at all: published public packs, and their own account pages.
PANEL_MAY_READ = {
    "home", "healthz", "password_change", "password_change_done", "admin:login",
    "published:overview", "published:current", "published:version", "published:file",
    "published:open_data_csv", "published:open_data_json",
    "panel:list", "panel:detail", "panel:ask",  # their own questions only, and raising one
    "organisation:bands_css",  # the score bands' colours, which every signed-in page links to
}


def test_panel_members_get_nothing_but_published_public_packs():
    # With the matrix test above (observed == expected), this means no URL gives a
    # panel member a draft, the register, a history page, an export, a restricted pack or the admin.
    granted = {key for key, answers in all_expected().items() if answers[ROLES.index("panel")] == 200}
    assert granted <= PANEL_MAY_READ, granted - PANEL_MAY_READ
