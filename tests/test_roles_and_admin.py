import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse

from riskregister import access
from riskregister.roles import ROLE_PERMISSIONS
from risks.models import Risk
from tests.edit_helpers import admin_risk_post

ADMIN_MODELS = ["risks/risk", "risks/owner", "risks/review", "risks/riskowner", "risks/riskdependency", "controls/control"]


@pytest.mark.django_db
def test_migrations_create_the_three_roles_with_their_permissions():
    for role, permissions in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert granted == set(permissions), role


@pytest.mark.django_db
def test_what_each_role_may_do(users):
    assert access.capabilities(users["smt"]) | {} == access.capabilities(users["smt"])
    assert access.can(users["smt"], "edit_register") and access.can(users["smt"], "view_register")
    assert access.can(users["author"], "view_register") and not access.can(users["author"], "edit_register")
    assert not access.can(users["panel"], "view_register") and not access.can(users["panel"], "edit_register")
    assert users["smt"].has_perm("controls.change_control") and users["smt"].has_perm("risks.add_review")
    assert not users["author"].has_perm("controls.change_control")


@pytest.mark.django_db
def test_register_lists_open_risks_in_natural_order(client_for):
    response = client_for("smt").get(reverse("risks:register"))
    assert [risk.ref for risk in response.context["risks"]][:5] == ["1", "2a", "2b", "3", "4"]
    assert "Adequate funding" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_admin_lists_every_model_with_its_history(client_for, model):
    client = client_for("admin")
    assert client.get(f"/admin/{model}/").status_code == 200
    app_label, model_name = model.split("/")
    from django.apps import apps

    obj = apps.get_model(app_label, model_name).objects.first()
    assert client.get(f"/admin/{model}/{obj.pk}/history/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["smt", "author", "panel"])
def test_only_staff_reach_the_admin(client_for, username):
    response = client_for(username).get("/admin/risks/risk/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("changes,message", [
    ({"current_impact": 6}, "Enter a score from 1 to 5."),
    ({"inherent_likelihood": -1}, "Enter a score from 1 to 5."),
    ({"ref": "2a"}, "Another open risk already has this ref"),
    ({"title": ""}, "This field is required"),
    ({"change_reason": ""}, "This field is required"),
])
def test_admin_refuses_bad_input_with_a_message(client_for, changes, message):
    client = client_for("admin")
    risk = Risk.objects.get(ref="4")
    before = risk.history.count()
    response = client.post(f"/admin/risks/risk/{risk.pk}/change/", admin_risk_post(risk, **changes))
    assert response.status_code == 200
    assert message in response.text
    assert risk.history.count() == before
    assert Risk.objects.get(pk=risk.pk).title == "Adequate funding"


@pytest.mark.django_db
def test_admin_refuses_a_parent_loop(client_for):
    client = client_for("admin")
    risk = Risk.objects.get(ref="5")
    response = client.post(f"/admin/risks/risk/{risk.pk}/change/", admin_risk_post(risk, parent=risk.pk))
    assert response.status_code == 200
    assert Risk.objects.get(pk=risk.pk).parent is None


@pytest.mark.django_db
def test_admin_save_writes_a_revision_with_user_and_reason(client_for, users):
    client = client_for("admin")
    risk = Risk.objects.get(ref="4")
    response = client.post(f"/admin/risks/risk/{risk.pk}/change/", admin_risk_post(risk, title="Funding"))
    assert response.status_code == 302
    latest = risk.history.first()
    assert (latest.title, latest.history_user, latest.history_change_reason) == ("Funding", users["admin"], "Admin edit")


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 5
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    # The in-memory test database cannot use WAL; a file database does.
    assert mode in {"wal", "memory"}


@pytest.mark.django_db
def test_changing_a_control_in_the_admin_makes_open_edit_forms_stale(client_for):
    from controls.models import Control

    control = Control.objects.filter(risk__ref="4").first()
    version_before = control.risk.version
    data = {
        "risk": control.risk_id, "kind": control.kind, "name": control.name, "separator": control.separator,
        "description": "Changed in the admin", "owner": "", "lever": control.lever, "due_date": "",
        "status": control.status, "position": control.position, "change_reason": "Admin tidy-up",
        "expected_version": version_before,
    }
    response = client_for("admin").post(f"/admin/controls/control/{control.pk}/change/", data)
    assert response.status_code == 302
    risk = Risk.objects.get(pk=control.risk_id)
    assert risk.version == version_before + 1
    assert risk.history.first().history_change_reason == "Admin tidy-up"


@pytest.mark.django_db
def test_refusals_and_missing_pages_use_the_site_frame(client_for):
    response = client_for("panel").get(reverse("risks:register"))
    assert response.status_code == 403
    assert "You cannot see this page" in response.text and 'href="/static/css/site.css"' in response.text
    response = client_for("smt").get(reverse("risks:detail", args=[999999]))
    assert response.status_code == 404 and "Page not found" in response.text
