"""The register page as at a date (issue 13, item 2): /risks/?as_at=2017-09-22."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from controls.models import CONTROL_FIELDS, Control
from organisation.current import forget
from organisation.models import Lever, RiskCategory, ScoreBand
from organisation.services import BandChange, band_versions, create_entry, delete_entry, save_bands, save_setting
from panel.models import Partner
from panel.services import link_partner_risk
from riskregister.tracking import delete_tracked, revisions_dated, save_tracked
from risks import services
from risks.models import Owner, Risk
from tests.test_register import grow_register

DAY = "2017-09-22"  # the September 2017 paper's day, in the demo's history


def test_the_register_as_at_a_date_shows_the_titles_of_then(client_for, demo):
    risk = Risk.objects.get(ref="4")
    old_title = risk.title
    services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"], reason="Retitled today",
                         title="Funding (retitled today)")
    client = client_for("smt")
    today = client.get(reverse("risks:register")).text
    assert "Funding (retitled today)" in today
    then = client.get(reverse("risks:register") + "?as_at=2017-09-22")
    assert then.status_code == 200
    assert old_title in then.text and "Funding (retitled today)" not in then.text
    # In ref order, as today's register (the same fifteen refs).
    assert refs_of(then) == refs_of(client.get(reverse("risks:register")))
    assert len(then.context["risks"]) == 15
    csv = client.get(reverse("risks:export_csv") + "?as_at=2017-09-22").content.decode()
    assert old_title in csv and "retitled today" not in csv


def test_a_closed_risk_is_open_in_the_register_as_at_before_it_closed(client_for, demo):
    risk = Risk.objects.get(ref="8")
    services.close_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"], reason="Closed today")
    client = client_for("author")
    assert risk.title not in [row.title for row in client.get(reverse("risks:register")).context["risks"]]
    then = client.get(reverse("risks:register") + "?as_at=2017-09-22").context["risks"]
    assert risk.title in [row.title for row in then]


def test_a_date_in_the_future_or_not_a_date_is_a_clear_error(client_for, demo):
    client = client_for("smt")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = client.get(reverse("risks:register") + f"?as_at={tomorrow}").text
    assert "The register&#x27;s date must be today or earlier." in page or "The register's date must be today or earlier." in page
    page = client.get(reverse("risks:register") + "?as_at=2017-02-30").text
    assert "Enter a real date, such as 2017-09-22." in page
    assert client.get(reverse("risks:export_csv") + "?as_at=2017-02-30").status_code == 400


def test_before_the_register_existed_it_is_empty(client_for, demo):
    response = client_for("smt").get(reverse("risks:register") + f"?as_at={date(2000, 1, 1)}")
    assert response.status_code == 200 and response.context["risks"] == []


@pytest.mark.parametrize("day", ["today", DAY])
@pytest.mark.parametrize("url_name", ["risks:register", "risks:export_csv"])
@pytest.mark.parametrize("filters,lists_the_grown", [
    ("lever=convening", True), ("owner={paul}", True), ("q=control", True), ("q=funding+review", False),
    ("band=medium", False), ("aligned=yes", False), ("aligned=no", True),
    ("q=control&owner={paul}&lever=oversight&band=high&aligned=no&appetite=outside&category=financial", False),
])
def test_query_count_as_at_does_not_grow_with_the_register(client_for, users, django_assert_num_queries,
                                                           filters, lists_the_grown, url_name, day):


    client = client_for("smt")
    filters = filters.format(paul=Owner.objects.get(name="Paul Wylie").pk)
    day = timezone.localdate().isoformat() if day == "today" else day
    url = reverse(url_name) + f"?{filters}&as_at={day}"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    grow_register(users["smt"], 30)  # Paul's risks, a control for every lever each; revisions dated today
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert response.status_code == 200
    if url_name == "risks:register" and lists_the_grown:
        grown = {row.ref for row in response.context["risks"]} & {str(number) for number in range(100, 130)}
        assert len(grown) == (0 if day == DAY else 30)  # listed as at today, not as at a day before they were


def test_the_full_workbook_as_at_a_date(demo, tmp_path):
    risk = Risk.objects.get(ref="4")
    old_title = risk.title
    services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"], reason="Retitled today",
                         title="Funding (retitled today)")
    output = tmp_path / "register.xlsx"
    call_command("export_register", output=str(output), as_at="2017-09-22")
    workbook = load_workbook(output)
    titles = [row[2] for row in workbook["Risks"].iter_rows(min_row=2, values_only=True)]
    assert old_title in titles and "Funding (retitled today)" not in titles
    assert workbook["Controls"].max_row > 1 and workbook["Reviews"].max_row > 1
    with pytest.raises(CommandError, match="--as-at takes a date"):
        call_command("export_register", output=str(output), as_at="22/09/2017")


# Every filter reads the register of then (issue: filters as at a day) ----------------------------


def refs_of(response):
    assert response.status_code == 200
    return [row.ref for row in response.context["risks"]]


def register(client, **params):
    return refs_of(client.get(reverse("risks:register"), params))


def csv_refs(client, **params):
    """The refs in the CSV export of the same filters, in its order."""
    return list(csv_column(client, "Ref", **params))


def csv_column(client, heading, **params):
    """{ref: the column's value} in the CSV export of the same filters."""
    response = client.get(reverse("risks:export_csv"), params)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return {row[0]: row[rows[0].index(heading)] for row in rows[1:]}


def xlsx_refs(client, **params):
    """The refs in the XLSX export of the same filters, in its order."""
    response = client.get(reverse("risks:export_xlsx"), params)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def band_labels(client, **params):
    return {row.ref: row.band_label for row in client.get(reverse("risks:register"), params).context["risks"]}


def cell_band(client, likelihood, impact, **params):
    heat_map = client.get(reverse("risks:register"), params).context["heat_map"]
    return next(cell["band_label"] for row in heat_map["rows"] for cell in row["cells"]
                if (cell["likelihood"], cell["impact"]) == (likelihood, impact))


def edit_controls(risk, changes, user, reason):
    services.edit_risk(risk_id=risk.pk, expected_version=risk.version, user=user, reason=reason,
                       fields={}, controls=changes)


def control_change(control, **values):
    return {"id": control.pk, **{field: getattr(control, field) for field in CONTROL_FIELDS}, **values}


def test_search_as_at_a_day_reads_the_controls_of_then(client_for, demo):
    client = client_for("smt")
    assert register(client, q="MOJ") == ["8"] == register(client, q="MOJ", as_at=DAY)
    moj = Control.objects.get(risk__ref="8", name__icontains="MOJ")
    edit_controls(moj.risk, [{"id": moj.pk, "delete": True}], demo["smt"], "Control removed today")
    funding = Risk.objects.get(ref="4")
    edit_controls(funding, [{"id": None, "kind": Control.Kind.ACTION, "name": "Quokka review",
                             "description": "Added today.", "status": Control.Status.IN_PLACE, "position": 9}],
                  demo["smt"], "Control added today")
    assert register(client, q="MOJ") == [] and register(client, q="quokka") == ["4"]
    # As at the day: the control deleted since still counts as it stood, the one added since does not.
    assert register(client, q="MOJ", as_at=DAY) == ["8"] and register(client, q="quokka", as_at=DAY) == []
    assert csv_refs(client, q="MOJ", as_at=DAY) == ["8"] and csv_refs(client, q="quokka", as_at=DAY) == []
    assert csv_refs(client, q="quokka") == ["4"] and xlsx_refs(client, q="MOJ", as_at=DAY) == ["8"]


def test_search_as_at_a_day_reads_a_control_renamed_since_by_its_name_of_then(client_for, demo):
    client = client_for("smt")
    moj = Control.objects.get(risk__ref="8", name__icontains="MOJ")
    edit_controls(moj.risk, [control_change(moj, name="Ministry liaison", description="Renamed today.")],
                  demo["smt"], "Control renamed today")
    assert register(client, q="MOJ") == [] and register(client, q="ministry liaison") == ["8"]
    assert register(client, q="MOJ", as_at=DAY) == ["8"] and register(client, q="ministry liaison", as_at=DAY) == []


def test_owner_as_at_a_day_reads_the_owners_of_then(client_for, demo):
    client = client_for("smt")
    paul = Owner.objects.get(name="Paul Wylie")
    before = register(client, owner=paul.pk)
    assert register(client, owner=paul.pk, as_at=DAY) == before and len(before) == 8
    # Today Paul hands one risk over and takes on another.
    handed, taken = (Risk.objects.get(ref=ref) for ref in (before[0], next(
        r.ref for r in Risk.objects.open().order_by("ref_number", "ref_suffix") if r.ref not in before)))
    others = [owner for owner in handed.ordered_owners() if owner != paul] or [
        Owner.objects.exclude(pk=paul.pk).first()]
    services.update_risk(risk_id=handed.pk, expected_version=handed.version, user=demo["smt"],
                         reason="Handed over today", owners=others)
    services.update_risk(risk_id=taken.pk, expected_version=taken.version, user=demo["smt"],
                         reason="Taken on today", owners=[*taken.ordered_owners(), paul])
    today = register(client, owner=paul.pk)
    assert handed.ref not in today and taken.ref in today
    assert register(client, owner=paul.pk, as_at=DAY) == before
    assert csv_refs(client, owner=paul.pk, as_at=DAY) == before and csv_refs(client, owner=paul.pk) == today
    assert xlsx_refs(client, owner=paul.pk, as_at=DAY) == before and xlsx_refs(client, owner=paul.pk) == today


def lever_in_use_on_one_control_only(risk_refs):
    """(risk, control) where the control is the risk's only control in use with its lever."""
    for risk in Risk.objects.filter(ref__in=risk_refs).order_by("ref_number", "ref_suffix"):
        in_use = [c for c in Control.objects.filter(risk=risk).exclude(status=Control.Status.RETIRED) if c.lever]
        for control in in_use:
            if [c.lever for c in in_use].count(control.lever) == 1:
                return risk, control
    raise AssertionError("the demo has no risk with a lever on one control only")


def test_lever_as_at_a_day_reads_the_controls_levers_and_statuses_of_then(client_for, demo):
    client = client_for("smt")
    risk, control = lever_in_use_on_one_control_only(register(client))
    lever = control.lever
    before = register(client, lever=lever)
    assert risk.ref in before and register(client, lever=lever, as_at=DAY) == before
    # Today the control is retired: the risk no longer uses the lever.
    edit_controls(risk, [control_change(control, status=Control.Status.RETIRED)], demo["smt"], "Retired today")
    assert risk.ref not in register(client, lever=lever)
    assert register(client, lever=lever, as_at=DAY) == before
    # Today another risk's control takes the lever: listed today, not as at the day.
    in_use = Control.objects.filter(risk__status="open").exclude(status=Control.Status.RETIRED)
    other_control = next(control for ref in register(client) if ref not in before
                         for control in in_use.filter(risk__ref=ref))
    other = other_control.risk
    edit_controls(other, [control_change(other_control, lever=lever)], demo["smt"], "Lever changed today")
    today = register(client, lever=lever)
    assert other.ref in today and risk.ref not in today
    assert register(client, lever=lever, as_at=DAY) == before
    assert csv_refs(client, lever=lever, as_at=DAY) == before and csv_refs(client, lever=lever) == today
    assert xlsx_refs(client, lever=lever, as_at=DAY) == before and xlsx_refs(client, lever=lever) == today


def test_band_as_at_a_day_uses_the_bands_set_then(client_for, demo):
    with revisions_dated(timezone.make_aware(datetime(2017, 1, 2, 12))):  # the bands as they stood then
        for band in ScoreBand.objects.all():
            save_setting(band, user=demo["admin"], reason="Bands as set in 2017")
    client = client_for("smt")
    medium_then = register(client, band="medium", as_at=DAY)
    assert "2a" in medium_then  # current score 9
    # Today Medium starts at 10: 2a (9) is Low now.
    low, medium = ScoreBand.objects.get(key="low"), ScoreBand.objects.get(key="medium")
    low.highest, medium.lowest = 9, 10
    save_setting(low, user=demo["admin"], reason="Medium band narrowed")
    save_setting(medium, user=demo["admin"], reason="Medium band narrowed")
    forget()
    assert "2a" not in register(client, band="medium") and "2a" in register(client, band="low")
    assert register(client, band="medium", as_at=DAY) == medium_then
    assert "2a" not in register(client, band="low", as_at=DAY)
    assert csv_refs(client, band="medium", as_at=DAY) == medium_then
    assert "2a" not in csv_refs(client, band="medium")
    # The rows, the heat map and the exports label the scores with the bands of the day too.
    assert band_labels(client, as_at=DAY)["2a"] == "Medium" and band_labels(client)["2a"] == "Low"
    assert csv_column(client, "Band", as_at=DAY)["2a"] == "Medium" and csv_column(client, "Band")["2a"] == "Low"
    assert cell_band(client, 3, 3, as_at=DAY) == "Medium" and cell_band(client, 3, 3) == "Low"


def test_a_band_removed_since_can_still_be_chosen_as_at_a_day(client_for, demo):
    with revisions_dated(timezone.make_aware(datetime(2017, 1, 2, 12))):
        for band in ScoreBand.objects.all():
            save_setting(band, user=demo["admin"], reason="Bands as set in 2017")
    client = client_for("smt")
    medium_then = register(client, band="medium", as_at=DAY)
    bands = list(ScoreBand.objects.order_by("pk"))
    high, low = (next(b for b in bands if b.key == key) for key in ("high", "low"))
    save_bands(bands=[BandChange(pk=high.pk, label="High", lowest=10, highest=25, colour=high.colour,
                                 pattern=high.pattern),
                      BandChange(pk=low.pk, label="Low", lowest=1, highest=9, colour=low.colour, pattern=low.pattern)],
               expected_versions=band_versions(bands), user=demo["admin"], reason="Two bands only")
    forget()
    response = client.get(reverse("risks:register"), {"band": "medium"})
    assert "Choose a score band from the list." in response.text
    assert register(client, band="medium", as_at=DAY) == medium_then and medium_then


def test_aligned_as_at_a_day_reads_the_alignments_of_then(client_for, demo):
    client = client_for("smt")
    aligned_then = register(client, aligned="yes", as_at=DAY)
    mps = save_tracked(Partner(name="Metropolitan Police Service"), user=demo["admin"], reason="Partner")
    funding = Risk.objects.get(ref="4")
    link_partner_risk(risk=funding, partner=mps, ref="MPS 7", user=demo["smt"], reason="Aligned today")
    assert "4" in register(client, aligned="yes") and "4" not in register(client, aligned="no")
    assert register(client, aligned="yes", as_at=DAY) == aligned_then and "4" not in aligned_then
    assert "4" in register(client, aligned="no", as_at=DAY)
    assert csv_refs(client, aligned="yes", as_at=DAY) == aligned_then



@pytest.mark.parametrize("params,field,message", [
    ({"owner": "999999"}, "owner", "Choose an owner from the list."),
    ({"owner": "abc"}, "owner", "Choose an owner from the list."),
    ({"lever": "magic"}, "lever", "Choose a lever from the list."),
    ({"band": "extreme"}, "band", "Choose a score band from the list."),
    ({"aligned": "maybe"}, "aligned", "Choose aligned or not from the list."),
])
def test_bad_filters_as_at_a_day_give_a_message_next_to_the_field(client_for, demo, params, field, message):
    client = client_for("smt")
    response = client.get(reverse("risks:register"), {**params, "as_at": DAY})
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.text
    assert f'<span class="visually-hidden">Error:</span> {message}</p>' in response.text
    assert response.context["risks"] == []
    assert client.get(reverse("risks:export_csv"), {**params, "as_at": DAY}).status_code == 400
    assert client.get(reverse("risks:export_xlsx"), {**params, "as_at": DAY}).status_code == 400


def test_owner_as_at_a_day_offers_the_owners_of_then_deleted_or_renamed_since(client_for, demo):
    client = client_for("smt")
    paul = Owner.objects.get(name="Paul Wylie")
    his_then = register(client, owner=paul.pk, as_at=DAY)
    # Today a new owner joins (and corrects her name), Natasha Plummer is renamed, and Paul hands
    # every risk over (to the first other owner of each, or Ellie) and is removed.
    ellie = services.save_owner(Owner(name="Ellie Blain"), user=demo["admin"], reason="New owner")
    ellie.name = "Ellie Blane"
    services.save_owner(ellie, user=demo["admin"], reason="Name corrected")
    natasha = Owner.objects.get(name="Natasha Plummer")
    natasha.name = "Natasha Plummer-Okafor"
    services.save_owner(natasha, user=demo["admin"], reason="Name changed")
    for risk in Risk.objects.filter(ownerships__owner=paul):
        others = [owner for owner in risk.ordered_owners() if owner != paul] or [ellie]
        services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"],
                             reason="Handed over", owners=others)
    delete_tracked(Owner.objects.get(pk=paul.pk), user=demo["admin"], reason="Left the organisation")
    response = client.get(reverse("risks:register"), {"owner": paul.pk})
    assert "Choose an owner from the list." in response.text  # not an owner today
    as_at = client.get(reverse("risks:register"), {"owner": paul.pk, "as_at": DAY})
    assert refs_of(as_at) == his_then and len(his_then) == 8
    assert f'<option value="{paul.pk}" selected>Paul Wylie</option>' in as_at.text
    assert csv_refs(client, owner=paul.pk, as_at=DAY) == his_then
    # Added since: offered (by the owner's id, under the name now), owning nothing then.
    assert register(client, owner=ellie.pk, as_at=DAY) == [] and register(client, owner=ellie.pk)
    assert f'<option value="{ellie.pk}">Ellie Blane</option>' in as_at.text
    # Renamed since: offered under the name of then.
    assert f'<option value="{natasha.pk}">Natasha Plummer</option>' in as_at.text
    assert register(client, owner=natasha.pk, as_at=DAY) == register(client, owner=natasha.pk)


def test_a_lever_deleted_since_can_still_be_chosen_as_at_a_day(client_for, demo):
    with revisions_dated(timezone.make_aware(datetime(2017, 1, 2, 12))):  # the levers as they stood then
        for lever in Lever.objects.all():
            save_setting(lever, user=demo["admin"], reason="Levers as set in 2017")
        pilot = create_entry(Lever, label="Pilot scheme", description="", position=9, user=demo["admin"],
                             reason="A fourth lever")
    funding = Risk.objects.get(ref="4")
    control = Control.objects.filter(risk=funding).exclude(status=Control.Status.RETIRED).first()
    with revisions_dated(timezone.make_aware(datetime(2017, 9, 15, 12))):  # after the demo was recorded
        edit_controls(funding, [control_change(control, lever=pilot.key)], demo["smt"], "Piloted")
    forget()
    client = client_for("smt")
    assert register(client, lever=pilot.key, as_at=DAY) == ["4"] == register(client, lever=pilot.key)
    # Today the pilot ends: the control goes back to oversight and the lever is deleted.
    funding.refresh_from_db()
    control.refresh_from_db()
    edit_controls(funding, [control_change(control, lever="oversight")], demo["smt"], "Pilot over")
    delete_entry(Lever.objects.get(pk=pilot.pk), user=demo["admin"], reason="Pilot over",
                 expected_version=Lever.objects.get(pk=pilot.pk).version)
    forget()
    today = client.get(reverse("risks:register"), {"lever": pilot.key})
    assert "Choose a lever from the list." in today.text and today.context["risks"] == []
    then = client.get(reverse("risks:register"), {"lever": pilot.key, "as_at": DAY})
    assert refs_of(then) == ["4"]
    assert f'<option value="{pilot.key}" selected>Pilot scheme</option>' in then.text
    assert csv_refs(client, lever=pilot.key, as_at=DAY) == ["4"]


def test_the_heat_map_marks_the_tolerance_set_then_as_at_a_day(client_for, demo):
    from tests.test_appetite import set_financial_appetite

    with revisions_dated(timezone.make_aware(datetime(2017, 1, 2, 12))):  # the categories and appetite of then
        for category in RiskCategory.objects.all():
            save_setting(category, user=demo["admin"], reason="Categories as set in 2017")
        set_financial_appetite(demo["author"], tolerance=12, approved_on=date(2017, 1, 2))
    set_financial_appetite(demo["author"], tolerance=6, approved_on=date(2026, 1, 5))  # lowered since
    forget()
    client = client_for("smt")
    then = client.get(reverse("risks:register"), {"tolerance_category": "financial", "as_at": DAY})
    today = client.get(reverse("risks:register"), {"tolerance_category": "financial"})
    assert then.context["tolerance"]["tolerance"] == 12 and today.context["tolerance"]["tolerance"] == 6
    assert "Cells above the financial tolerance (12) are marked" in then.text
    assert '<option value="financial" selected>Financial (up to 12)</option>' in then.text
    above_then = {(c["likelihood"], c["impact"]) for row in then.context["heat_map"]["rows"] for c in row["cells"]
                  if c["above_tolerance"]}
    assert (3, 3) not in above_then and (3, 4) not in above_then and (3, 5) in above_then  # 9, 12 within; 15 above
    assert (3, 3) in {(c["likelihood"], c["impact"]) for row in today.context["heat_map"]["rows"]
                      for c in row["cells"] if c["above_tolerance"]}

