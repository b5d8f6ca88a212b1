"""The register page as at a date (issue 13, item 2): /risks/?as_at=2017-09-22."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from risks import services
from risks.models import Risk


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
    assert [row.ref for row in then.context["risks"]] == [r.ref for r in then.context["risks"]]
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


def test_query_count_as_at_does_not_grow_with_the_register(client_for, users, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.test_register import grow_register

    client = client_for("smt")
    url = reverse("risks:register") + f"?lever=convening&as_at={timezone.localdate().isoformat()}"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    grow_register(users["smt"], 30)
    with django_assert_num_queries(len(small)):
        assert client.get(url).status_code == 200


def test_the_full_workbook_as_at_a_date(demo, tmp_path):
    import pytest
    from django.core.management import CommandError, call_command
    from openpyxl import load_workbook

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
