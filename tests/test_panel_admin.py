"""The panel's records in the admin: items, deep dives and partner links are read-only there
(written through the site's pages, with a reason and a version); partners and their
register entries are kept there, and every save, revert or delete keeps a reason and
the acting user on the revision, as for the register's own models."""

from datetime import date

import pytest
from django.urls import reverse

from panel import services
from panel.models import Alignment, DeepDive, PanelItem, Partner, PartnerRisk
from reports import services as paper_services
from riskregister.tracking import save_tracked
from risks.models import Risk
from tests.edit_helpers import form_values

pytestmark = pytest.mark.django_db

REASON_REQUIRED = "This field is required."


@pytest.fixture
def mps(users):
    return save_tracked(Partner(name="Metropolitan Police Service"), user=users["admin"], reason="Partner")


@pytest.fixture
def records(users, paper, mps):
    """One of each panel record, written the way the site's pages write them."""
    risk = Risk.objects.open().get(ref="4")
    item = services.record_item(user=users["author"], reason="Minutes", paper=paper, kind="question",
                                text="More detail on mitigations", due_next_meeting=True, risks=[risk])
    december = paper_services.create_paper(user=users["author"], reason="Next meeting", meeting_date=date(2017, 12, 12),
                                           title="Risk Management Report")
    dive = services.schedule_deep_dive(risk=risk, paper=december, user=users["author"], reason="Panel asked")
    link = services.link_partner_risk(risk=risk, partner=mps, ref="MPS-12", title="Budget pressure",
                                      user=users["smt"], reason="Aligned at the SMT")
    return {"panelitem": item, "deepdive": dive, "alignment": link,
            "partner": mps, "partnerrisk": link.partner_risk}


def admin_url(obj, view="change", *extra):
    return reverse(f"admin:panel_{obj._meta.model_name}_{view}", args=[obj.pk, *extra])


def page_values(client, url, **changes):
    """What the admin page at `url` would submit, with these changes typed in."""
    response = client.get(url)
    assert response.status_code == 200
    return {**form_values(response.text), **changes}


@pytest.mark.parametrize("model", ["panelitem", "deepdive", "alignment", "partner", "partnerrisk"])
def test_the_admin_lists_every_panel_model_with_its_history(client_for, records, model):
    client = client_for("admin")
    obj = records[model]
    assert client.get(reverse(f"admin:panel_{model}_changelist")).status_code == 200
    assert client.get(admin_url(obj)).status_code == 200
    assert client.get(admin_url(obj, "history")).status_code == 200
    revision = obj.history.first()
    assert client.get(admin_url(obj, "simple_history", revision.history_id)).status_code == 200


@pytest.mark.parametrize("model,changes", [
    ("panelitem", {"text": "Changed in the admin", "status": "closed"}),
    ("deepdive", {"note": "Changed in the admin"}),
    ("alignment", {"note": "Changed in the admin"}),
])
def test_items_deep_dives_and_links_are_read_only_in_the_admin(client_for, records, model, changes):
    client = client_for("admin")
    obj = records[model]
    model_class = type(obj)
    before = (obj.history.count(), model_class.objects.count())
    data = {**form_values(client.get(admin_url(obj)).text), **changes, "change_reason": "Admin edit"}
    assert client.post(admin_url(obj), data).status_code == 403
    revert = admin_url(obj, "simple_history", obj.history.first().history_id)
    assert client.get(revert).status_code == 200
    assert client.post(revert, data).status_code == 403  # simple-history's revert would save without asking
    assert client.post(admin_url(obj, "delete"), {"post": "yes"}).status_code == 403
    assert client.get(reverse(f"admin:panel_{model}_add")).status_code == 403
    changelist = reverse(f"admin:panel_{model}_changelist")
    response = client.post(changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
    assert response.status_code in (200, 302)  # no such action: the list is shown again
    assert (obj.history.count(), model_class.objects.count()) == before
    saved = model_class.objects.get(pk=obj.pk)
    assert all(getattr(saved, name) != value for name, value in changes.items())


def test_a_partner_saved_in_the_admin_needs_a_reason_and_keeps_it_with_the_user(client_for, users, mps):
    client = client_for("admin")
    url = admin_url(mps)
    response = client.post(url, page_values(client, url, name="MPS", change_reason=""))
    assert response.status_code == 200 and REASON_REQUIRED in response.text
    assert Partner.objects.get(pk=mps.pk).name == "Metropolitan Police Service" and mps.history.count() == 1
    response = client.post(url, page_values(client, url, name="MPS", change_reason="Shorter name"))
    assert response.status_code == 302
    latest = mps.history.first()
    assert (latest.name, latest.history_user, latest.history_change_reason) == ("MPS", users["admin"], "Shorter name")


def test_a_partner_added_in_the_admin_keeps_its_reason(client_for, users):
    client = client_for("admin")
    add = reverse("admin:panel_partner_add")
    assert client.post(add, {"name": "London Fire Brigade"}).status_code == 200  # no reason: refused
    assert not Partner.objects.filter(name="London Fire Brigade").exists()
    assert client.post(add, {"name": "London Fire Brigade", "change_reason": "New partner"}).status_code == 302
    record = Partner.objects.get(name="London Fire Brigade").history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == ("+", users["admin"], "New partner")


def test_reverting_a_partner_risk_in_the_admin_needs_a_reason_and_keeps_it_with_the_user(client_for, users, records):
    client = client_for("admin")
    partner_risk = records["partnerrisk"]
    oldest = partner_risk.history.order_by("history_id").first()
    url = admin_url(partner_risk)
    assert client.post(url, page_values(client, url, title="Renamed", change_reason="Partner renamed it")).status_code == 302
    assert PartnerRisk.objects.get(pk=partner_risk.pk).title == "Renamed"
    revert = admin_url(partner_risk, "simple_history", oldest.history_id)
    revisions = partner_risk.history.count()
    response = client.post(revert, page_values(client, revert, change_reason=""))
    assert response.status_code == 200 and REASON_REQUIRED in response.text
    assert partner_risk.history.count() == revisions and PartnerRisk.objects.get(pk=partner_risk.pk).title == "Renamed"
    response = client.post(revert, page_values(client, revert, change_reason="Back to the partner's title"))
    assert response.status_code == 302
    assert PartnerRisk.objects.get(pk=partner_risk.pk).title == "Budget pressure"
    latest = partner_risk.history.first()
    assert (latest.title, latest.history_user, latest.history_change_reason) == (
        "Budget pressure", users["admin"], "Back to the partner's title")


def test_deleting_a_partner_in_the_admin_leaves_a_revision_with_the_user(client_for, users):
    spare = save_tracked(Partner(name="British Transport Police"), user=users["admin"], reason="Partner")
    client = client_for("admin")
    assert client.post(admin_url(spare, "delete"), {"post": "yes"}).status_code == 302
    assert not Partner.objects.filter(pk=spare.pk).exists()
    record = Partner.history.filter(id=spare.pk).first()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "-", users["admin"], "Deleted in the admin")


@pytest.mark.parametrize("username", ["smt", "author", "panel"])
def test_only_staff_reach_the_panel_admin(client_for, mps, username):
    response = client_for(username).get(admin_url(mps))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
