"""A risk's date raised and date closed: kept in step with its status, entered on the
forms, shown on the risk page and in the admin, and made by the generator."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from risks import services
from risks.models import Risk
from tests.edit_helpers import admin_risk_post, edit_data, new_risk_data
from tests.factories import funding, make_risk

pytestmark = pytest.mark.django_db


def field_error(page, name):
    """The error message shown next to the field (GOV.UK pattern), or None."""
    marker = f'id="id_{name}_error"'
    if marker not in page:
        return None
    start = page.index(marker)
    return page[start:page.index("</p>", start)]


# The services -----------------------------------------------------------------

def test_close_sets_closed_on_and_reopen_clears_it(demo):
    risk = funding()
    closed = services.close_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"], reason="Merged")
    closed.refresh_from_db()
    assert (closed.status, closed.closed_on) == ("closed", timezone.localdate())
    revision = closed.history.first()
    assert (revision.history_user, revision.history_change_reason, revision.closed_on) == (
        demo["smt"], "Merged", timezone.localdate())
    reopened = services.reopen_risk(risk_id=risk.pk, expected_version=closed.version, user=demo["admin"], reason="Still live")
    reopened.refresh_from_db()
    assert (reopened.status, reopened.closed_on, reopened.closed_reason) == ("open", None, "")
    revision = reopened.history.first()
    assert (revision.history_user, revision.history_change_reason, revision.closed_on) == (demo["admin"], "Still live", None)


def test_a_new_risk_is_raised_today_unless_told_otherwise(demo):
    assert make_risk("15", user=demo["admin"]).opened_on == timezone.localdate()
    assert make_risk("16", user=demo["admin"], opened_on=date(2017, 6, 1)).opened_on == date(2017, 6, 1)


def test_the_fixture_risks_were_raised_before_the_meeting(demo):
    assert set(Risk.objects.values_list("opened_on", flat=True)) == {date(2017, 4, 1)}
    assert not Risk.objects.filter(closed_on__isnull=False).exists()


# The constraint ---------------------------------------------------------------

@pytest.mark.parametrize("status, closed_on, opened_on", [
    ("closed", None, date(2017, 4, 1)),                  # closed without a date
    ("open", date(2017, 9, 30), date(2017, 4, 1)),       # open with a date closed
    ("closed", date(2017, 3, 31), date(2017, 4, 1)),     # closed before it was raised
])
def test_the_database_refuses_dates_that_disagree_with_the_status(demo, status, closed_on, opened_on):
    risk = funding()
    risk.status, risk.closed_on, risk.opened_on = status, closed_on, opened_on
    with pytest.raises(IntegrityError), transaction.atomic():
        risk.save()  # no validation: the database itself refuses
    with pytest.raises(ValidationError):
        risk.full_clean()


def test_closed_on_the_day_it_was_raised_is_allowed(demo):
    risk = make_risk("15", user=demo["admin"])
    risk = services.close_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"], reason="Raised in error")
    assert risk.closed_on == risk.opened_on == timezone.localdate()


# The forms --------------------------------------------------------------------

def test_create_with_a_date_raised(client_for, users):
    page = client_for("smt").get(reverse("risks:create")).content.decode()
    assert f'name="risk-opened_on" value="{timezone.localdate():%Y-%m-%d}"' in page  # today by default
    assert "Date raised" in page and 'id="id_risk-opened_on_helptext"' in page
    response = client_for("smt").post(reverse("risks:create"), new_risk_data(**{"risk-opened_on": "2017-08-01"}))
    assert response.status_code == 302
    risk = Risk.objects.get(ref="15")
    assert risk.opened_on == date(2017, 8, 1)
    assert risk.history.get().history_user == users["smt"]


@pytest.mark.parametrize("value, message", [
    ("tomorrow", "The date raised cannot be in the future"),
    ("", "Enter the date the risk was raised."),
    ("2017-02-30", "Enter a real date, such as 2017-09-05."),
])
def test_create_refuses_a_date_raised_in_the_future_or_missing(client_for, value, message):
    if value == "tomorrow":
        value = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for("smt").post(reverse("risks:create"), new_risk_data(**{"risk-opened_on": value}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in field_error(page, "risk-opened_on")
    assert 'value="Cyber attack"' in page and f'name="risk-opened_on" value="{value}"' in page  # values kept
    assert not Risk.objects.filter(title="Cyber attack").exists()


def test_edit_corrects_the_date_raised(client_for, users):
    risk = funding()
    response = client_for("smt").post(reverse("risks:edit", args=[risk.pk]),
                                      edit_data(risk, reason="Date corrected", **{"risk-opened_on": "2016-11-03"}))
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.opened_on == date(2016, 11, 3)
    revision = risk.history.first()
    assert (revision.history_user, revision.history_change_reason) == (users["smt"], "Date corrected")
    page = client_for("smt").get(reverse("risks:detail", args=[risk.pk])).content.decode()
    assert "<dt>Date raised</dt><dd>3 November 2016</dd>" in page and "Closed on" not in page
    history = client_for("smt").get(reverse("risks:history", args=[risk.pk])).content.decode()
    assert "Date raised" in history


def test_edit_refuses_a_date_raised_in_the_future(client_for):
    risk = funding()
    before = risk.history.count()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    data = edit_data(risk, **{"risk-opened_on": tomorrow, "risk-description": "Kept text"})
    response = client_for("smt").post(reverse("risks:edit", args=[risk.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The date raised cannot be in the future" in field_error(page, "risk-opened_on")
    assert "Kept text" in page and f'value="{tomorrow}"' in page
    assert risk.history.count() == before and funding().opened_on == date(2017, 4, 1)


def test_the_form_refuses_a_date_raised_after_the_date_closed(demo):
    from risks.forms import RiskForm

    risk = make_risk("15", user=demo["admin"], opened_on=date(2017, 6, 1))
    risk = services.close_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"], reason="Gone")
    risk.closed_on = date(2017, 7, 1)  # as if closed then
    data = {name: RiskForm(instance=risk).initial.get(name) for name in RiskForm.Meta.fields}
    form = RiskForm({**{k: v for k, v in data.items() if v is not None}, "opened_on": "2017-08-01"}, instance=risk)
    assert not form.is_valid()
    assert form.errors["opened_on"] == ["The date raised cannot be after the date the risk was closed (2017-07-01)."]


def test_the_risk_page_shows_when_a_closed_risk_was_closed(client_for, users):
    risk = funding()
    services.close_risk(risk_id=risk.pk, expected_version=risk.version, user=users["smt"], reason="Merged")
    page = client_for("smt").get(reverse("risks:detail", args=[risk.pk])).content.decode()
    assert "<dt>Date raised</dt><dd>1 April 2017</dd>" in page
    assert f"<dt>Closed on</dt><dd>{timezone.localdate():%-d %B %Y}</dd>" in page


# The admin --------------------------------------------------------------------

def test_the_admin_lists_and_edits_the_dates(client_for):
    client = client_for("admin")
    assert "Date raised" in client.get("/admin/risks/risk/").text
    risk = funding()
    page = client.get(f"/admin/risks/risk/{risk.pk}/change/").text
    assert 'name="opened_on"' in page and 'name="closed_on"' in page


@pytest.mark.parametrize("changes, message", [
    ({"status": "closed"}, "A closed risk needs the date it was closed; an open risk has none."),
    ({"closed_on": "2017-10-01"}, "A closed risk needs the date it was closed; an open risk has none."),
    ({"status": "closed", "closed_on": "2017-03-01"}, "A risk cannot be closed before the date it was raised."),
    ({"status": "closed", "closed_on": "2099-01-01"}, "The date closed cannot be in the future"),
    ({"opened_on": "2099-01-01"}, "The date raised cannot be in the future"),
])
def test_the_admin_refuses_dates_that_disagree_with_the_status(client_for, changes, message):
    client = client_for("admin")
    risk = funding()
    before = risk.history.count()
    response = client.post(f"/admin/risks/risk/{risk.pk}/change/", admin_risk_post(risk, **changes))
    assert response.status_code == 200
    assert message in response.text
    assert risk.history.count() == before and funding().status == "open"


def test_the_admin_closes_a_risk_with_its_date(client_for, users):
    client = client_for("admin")
    risk = funding()
    response = client.post(f"/admin/risks/risk/{risk.pk}/change/",
                           admin_risk_post(risk, status="closed", closed_on="2017-10-01", closed_reason="Merged"))
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.status, risk.closed_on) == ("closed", date(2017, 10, 1))
    assert risk.history.first().history_user == users["admin"]


# The generator ----------------------------------------------------------------

def test_the_generated_register_keeps_the_rule(empty_database):
    call_command("generate_register", risks=60, seed=11, stdout=io.StringIO())
    today = timezone.localdate()
    risks = list(Risk.objects.all())
    closed = [risk for risk in risks if risk.status == "closed"]
    assert closed, "the generator closes some risks"
    for risk in risks:
        assert (risk.status == "closed") == (risk.closed_on is not None)
        assert risk.opened_on < today - timedelta(days=600)  # backdated to the register's start
        assert risk.closed_on is None or risk.opened_on <= risk.closed_on <= today
        first, latest = risk.history.last(), risk.history.first()
        assert timezone.localdate(first.history_date) == risk.opened_on
        assert (latest.status, latest.closed_on, latest.opened_on) == (risk.status, risk.closed_on, risk.opened_on)
    for risk in closed:
        assert timezone.localdate(risk.history.first().history_date) == risk.closed_on
    year_ago = today - timedelta(days=365)
    assert set(Risk.objects.open_on(year_ago)) == set(risks)  # all raised by then, none closed yet
    assert set(Risk.objects.open_on(today)) == set(risks) - set(closed)


def test_the_model_refuses_a_date_raised_in_the_future_whatever_the_path(demo):
    risk = funding()
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"],
                             reason="Typo", opened_on=tomorrow)
    assert "cannot be in the future" in str(refused.value.message_dict["opened_on"])
    assert funding().opened_on == risk.opened_on and funding().version == risk.version
