"""Categories on risks (issue 17): the edit and new-risk pages, the history, the risk page,
the register's category and appetite filters, the exports and the workbook."""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from organisation.models import AppetiteLevel, RiskCategory
from organisation.services import save_setting, set_appetite
from risks import services
from risks.models import Risk
from risks.workbook import export_workbook
from risks.workbook_import import apply_plan, plan_import
from tests.edit_helpers import edit_data, page_form
from tests.factories import funding, make_risk
from tests.test_register import grow_register

pytestmark = pytest.mark.django_db

REGISTER = reverse("risks:register")
DEMO_OUTSIDE = {"1", "3", "7", "12"}


def category(key):
    return RiskCategory.objects.get(key=key)


def refs(response):
    return {row.ref for row in response.context["risks"]}


def set_financial_appetite(user, tolerance=12):
    set_appetite(category=category("financial"), level=AppetiteLevel.objects.get(key="cautious"),
                 statement="We accept some financial risk.", tolerance=tolerance, approved_by="Audit Panel",
                 approved_on=date(2017, 6, 20), user=user, reason="Financial appetite agreed")


# The edit and new-risk pages -----------------------------------------------------------------------

def test_edit_page_offers_primary_and_other_categories(client_for):
    risk = funding()
    page = client_for("smt").get(reverse("risks:edit", args=[risk.pk])).text
    assert "Primary category" in page
    assert "Decides the risk appetite the risk is measured against" in page
    assert "<legend>Other categories" in page
    assert 'type="checkbox" name="risk-secondary_categories"' in page
    assert f'<option value="{category("financial").pk}" selected>Financial</option>' in page


def test_edit_saves_categories_with_a_revision_shown_in_the_history(client_for, users):
    risk = funding()
    people, financial, governance = category("people"), category("financial"), category("governance")
    data = edit_data(risk, reason="Recategorised after the review", **{
        "risk-category": str(people.pk),
        # People is also ticked as another category: it simply stays primary.
        "risk-secondary_categories": [str(financial.pk), str(governance.pk), str(people.pk)],
    })
    response = client_for("smt").post(reverse("risks:edit", args=[risk.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    risk = funding()
    assert risk.category == people
    assert set(risk.secondary_categories.all()) == {financial, governance}
    revision = risk.history.first()
    assert (revision.history_user, revision.history_change_reason) == (users["smt"], "Recategorised after the review")
    assert revision.category_id == people.pk
    assert revision.secondary_category_names == "Governance / Financial"
    history = client_for("smt").get(reverse("risks:history", args=[risk.pk])).text
    assert "Primary category" in history and "Other categories" in history
    assert "People" in history and "Governance / Financial" in history
    detail = client_for("smt").get(reverse("risks:detail", args=[risk.pk])).text
    assert "<dt>Primary category</dt><dd>People" in detail
    assert "<dt>Other categories</dt><dd>Governance, Financial</dd>" in detail


def test_edit_refuses_an_unknown_category_and_keeps_what_was_typed(client_for):
    risk = funding()
    data = edit_data(risk, **{"risk-category": "999999", "risk-secondary_categories": ["abc"],
                              "risk-title": "Funding, retyped"})
    response = client_for("smt").post(reverse("risks:edit", args=[risk.pk]), data)
    assert response.status_code == 200
    assert response.text.count("Choose a category from the list.") >= 4  # summary and by each field
    assert 'value="Funding, retyped"' in response.text
    assert funding().version == risk.version and funding().category.key == "financial"


def test_retired_categories_are_kept_where_held_but_not_offered_anew(client_for, users):
    financial = category("financial")
    financial.active = False
    save_setting(financial, user=users["admin"], reason="Merged into another category", expected_version=financial.version)
    risk = funding()
    page = client_for("smt").get(reverse("risks:edit", args=[risk.pk])).text
    assert f'<option value="{financial.pk}" selected>Financial (retired)</option>' in page
    other = Risk.objects.get(ref="1", status=Risk.Status.OPEN)
    page = client_for("smt").get(reverse("risks:edit", args=[other.pk])).text
    assert "Financial</" not in page  # neither in the select nor among the checkboxes
    response = client_for("smt").post(reverse("risks:edit", args=[other.pk]),
                                      edit_data(other, **{"risk-category": str(financial.pk)}))
    assert "Choose a category from the list." in response.text
    # Saving the risk that holds it keeps it.
    assert client_for("smt").post(reverse("risks:edit", args=[risk.pk]), edit_data(risk)).status_code == 302
    assert funding().category == financial


def test_new_risk_with_categories(client_for):
    url = reverse("risks:create")
    data = page_form(url, username="smt", action=url)
    data.update({
        "risk-ref": "40", "risk-title": "Data breach", "risk-description": "Failure to protect personal data",
        "risk-inherent_likelihood": "3", "risk-inherent_impact": "4", "risk-target_likelihood": "2",
        "risk-target_impact": "2", "risk-current_likelihood": "3", "risk-current_impact": "3",
        "risk-opened_on": "2017-09-01", "risk-category": str(category("information").pk),
        "risk-secondary_categories": [str(category("reputational").pk)], "change-reason": "New risk from the SMT",
    })
    response = client_for("smt").post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    risk = Risk.objects.get(ref="40")
    assert risk.category.key == "information"
    assert [c.key for c in risk.secondary_categories.all()] == ["reputational"]
    assert risk.history.first().secondary_category_names == "Reputational"


# The register ---------------------------------------------------------------------------------------

def test_register_filters_by_primary_or_other_category(client_for, users):
    client = client_for("smt")
    response = client.get(REGISTER + "?category=financial")
    assert refs(response) == {"4"}
    assert "Category (primary or other)" in response.text
    one = Risk.objects.get(ref="1", status=Risk.Status.OPEN)
    services.update_risk(risk_id=one.pk, expected_version=one.version, user=users["smt"], reason="Also financial",
                         secondary_categories=[category("financial")])
    response = client.get(REGISTER + "?category=financial")
    assert refs(response) == {"1", "4"}
    assert "<td>Operations (also Financial)</td>" in response.text
    # The register as at today reads the names each revision kept.
    as_at = client.get(REGISTER + f"?category=financial&as_at={timezone.localdate().isoformat()}")
    assert refs(as_at) == {"1", "4"}


def test_register_refuses_an_unknown_category(client_for):
    response = client_for("smt").get(REGISTER + "?category=astrology")
    assert response.status_code == 200
    assert "Choose a category from the list." in response.text
    assert response.context["risks"] == []


def test_register_filters_by_appetite(client_for, users):
    client = client_for("smt")
    outside = client.get(REGISTER + "?appetite=outside")
    assert refs(outside) == DEMO_OUTSIDE
    assert outside.text.count("Outside appetite</strong>") == len(DEMO_OUTSIDE)
    within = client.get(REGISTER + "?appetite=within")
    assert refs(within) and not refs(within) & DEMO_OUTSIDE and "4" not in refs(within)  # financial: no appetite
    assert "Risk appetite" in outside.text
    set_financial_appetite(users["author"])
    outside = client.get(REGISTER + "?appetite=outside")
    assert refs(outside) == DEMO_OUTSIDE | {"4"}
    row = next(row for row in outside.context["risks"] if row.ref == "4")
    assert row.title == "Adequate funding" and row.score == 20 and row.outside_appetite
    today = timezone.localdate().isoformat()
    assert refs(client.get(REGISTER + f"?appetite=outside&as_at={today}")) == DEMO_OUTSIDE | {"4"}
    assert refs(client.get(REGISTER + f"?appetite=within&as_at={today}")) == refs(client.get(REGISTER + "?appetite=within"))
    bad = client.get(REGISTER + "?appetite=sideways")
    assert "Choose within or outside appetite from the list." in bad.text


def test_appetite_as_at_a_day_uses_the_tolerances_of_then(client_for, users):
    """Before any appetite history, the settings as they are now apply (organisation.current.as_at)."""
    client = client_for("smt")
    day = timezone.localdate().isoformat()
    set_financial_appetite(users["author"], tolerance=25)
    assert "4" not in refs(client.get(REGISTER + f"?appetite=outside&as_at={day}"))
    assert "4" in refs(client.get(REGISTER + f"?appetite=within&as_at={day}"))


def test_register_query_count_with_category_filters_does_not_grow(client_for, users, django_assert_num_queries):
    client = client_for("smt")
    urls = [REGISTER + "?category=operations&appetite=outside", reverse("risks:export_csv") + "?appetite=within",
            REGISTER + f"?category=operations&appetite=outside&as_at={timezone.localdate().isoformat()}"]
    counts = {}
    for url in urls:
        client.get(url)
        with CaptureQueriesContext(connection) as small:
            client.get(url)
        counts[url] = len(small)
    grow_register(users["smt"], 20)
    for number in range(200, 210):
        make_risk(str(number), user=users["smt"], category=category("operations"),
                  secondary_categories=[category("people"), category("legal")], current_likelihood=5, current_impact=5)
    for url in urls:
        with django_assert_num_queries(counts[url]):
            assert client.get(url).status_code == 200
    assert {str(n) for n in range(200, 210)} <= refs(client.get(urls[0]))


# Exports --------------------------------------------------------------------------------------------

def csv_rows(client, query=""):
    response = client.get(reverse("risks:export_csv") + query)
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_exports_carry_categories_and_appetite(client_for, users):
    client = client_for("smt")
    rows = {row["Ref"]: row for row in csv_rows(client)}
    assert rows["4"]["Category"] == "Financial" and rows["4"]["Appetite"] == ""
    assert rows["1"]["Appetite"] == "Outside" and rows["1"]["Category"] == "Operations"
    assert any(row["Appetite"] == "Within" for row in rows.values())
    one = Risk.objects.get(ref="1", status=Risk.Status.OPEN)
    services.update_risk(risk_id=one.pk, expected_version=one.version, user=users["smt"], reason="More categories",
                         secondary_categories=[category("people"), category("financial")])
    set_financial_appetite(users["author"])
    rows = {row["Ref"]: row for row in csv_rows(client, "?appetite=outside")}
    assert rows["4"]["Appetite"] == "Outside"
    assert rows["1"]["Other categories"] == "Financial; People"
    xlsx = client.get(reverse("risks:export_xlsx") + "?category=financial")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    headings = [cell.value for cell in sheet[1]]
    assert {"Category", "Other categories", "Appetite"} <= set(headings)
    values = [dict(zip(headings, [cell.value for cell in row])) for row in sheet.iter_rows(min_row=2)]
    assert {row["Ref"] for row in values} == {"1", "4"}


# The workbook ---------------------------------------------------------------------------------------

def risks_sheet(content):
    return load_workbook(io.BytesIO(content))["Risks"]


def cell(sheet, ref, heading):
    headings = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[headings.index("Ref")].value == ref
               and r[headings.index("Status")].value == "Open")
    return row[headings.index(heading)]


def save(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_workbook_round_trip_with_categories(users):
    content = export_workbook()[2]
    sheet = risks_sheet(content)
    assert cell(sheet, "4", "Category").value == "Financial"
    validations = [v for v in sheet.data_validations.dataValidation if "Financial" in (v.formula1 or "")]
    assert validations, "the Category column offers the active categories"
    unchanged = plan_import("register.xlsx", content)
    assert not unchanged.has_errors and unchanged.count("changed") == 0, unchanged.summary()

    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["Risks"]
    cell(sheet, "4", "Category").value = "Governance"
    cell(sheet, "4", "Other categories").value = "financial; People; Governance"
    plan = plan_import("register.xlsx", save(workbook))
    assert not plan.has_errors, [str(p) for p in plan.errors]
    assert plan.count("changed") == 1
    apply_plan(plan, user=users["smt"], reason="Recategorised by workbook")
    risk = funding()
    assert risk.category.key == "governance"
    assert {c.key for c in risk.secondary_categories.all()} == {"financial", "people"}
    revision = risk.history.first()
    assert revision.history_change_reason == "Recategorised by workbook"
    assert revision.secondary_category_names == "Financial / People"
    again = plan_import("register.xlsx", export_workbook()[2])
    assert not again.has_errors and again.count("changed") == 0, again.summary()


def test_workbook_import_refuses_unknown_and_retired_categories(users):
    workbook = load_workbook(io.BytesIO(export_workbook()[2]))
    sheet = workbook["Risks"]
    cell(sheet, "4", "Category").value = "Astrology"
    cell(sheet, "1", "Other categories").value = "People; Alchemy"
    plan = plan_import("register.xlsx", save(workbook))
    messages = [str(problem) for problem in plan.errors]
    assert any("Category" in m and "There is no category called “Astrology”" in m for m in messages), messages
    assert any("Other categories" in m and "“Alchemy”" in m for m in messages), messages

    people = category("people")
    people.active = False
    save_setting(people, user=users["admin"], reason="Retired", expected_version=people.version)
    workbook = load_workbook(io.BytesIO(export_workbook()[2]))
    cell(workbook["Risks"], "4", "Category").value = "People"
    plan = plan_import("register.xlsx", save(workbook))
    assert any("“People” is retired: choose an active category." in str(p) for p in plan.errors)


def test_saving_the_edit_page_unchanged_keeps_every_other_category(client_for, users):
    risk = funding()
    services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=users["smt"], reason="Two others",
                         secondary_categories=[category("people"), category("governance")])
    risk = funding()
    assert client_for("smt").post(reverse("risks:edit", args=[risk.pk]), edit_data(risk)).status_code == 302
    assert {c.key for c in funding().secondary_categories.all()} == {"people", "governance"}


def test_a_stale_edit_keeps_the_other_categories_someone_else_set(client_for, users):
    """Re-saving from the conflict page does not undo another person's categories the user left alone."""
    from tests.edit_helpers import form_values

    risk = funding()
    mine = edit_data(risk, reason="My wording", **{"risk-title": "Funding (my title)"})
    services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=users["admin"],
                         reason="Also people", secondary_categories=[category("people")])
    response = client_for("smt").post(reverse("risks:edit", args=[risk.pk]), mine)
    assert response.status_code == 409
    assert "Other categories" in response.text and "People</ins>" in response.text
    again = form_values(response.text)
    assert again["risk-secondary_categories"] == str(category("people").pk)
    assert client_for("smt").post(reverse("risks:edit", args=[risk.pk]), again).status_code == 302
    current = Risk.objects.get(pk=risk.pk)
    assert current.title == "Funding (my title)"
    assert [c.key for c in current.secondary_categories.all()] == ["people"]


def test_workbook_as_at_a_day_carries_the_categories_of_then(users):
    risk = funding()
    services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=users["smt"], reason="Also people",
                         secondary_categories=[category("people")])
    sheet = risks_sheet(export_workbook(as_at=timezone.localdate())[2])
    assert cell(sheet, "4", "Category").value == "Financial"
    assert cell(sheet, "4", "Other categories").value == "People"
