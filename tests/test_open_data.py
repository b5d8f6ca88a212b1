"""Open data of published papers: Appendix 1 as CSV and the public snapshot as JSON, as published."""

import csv
import io
import json
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from publications import publishing
from publications.models import Publication
from riskregister.tracking import revisions_dated
from risks import services as risk_services
from risks.models import Risk, Trend
from tests.seed import appendix_1_rows
from tests.tampering import execute

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(paper, demo, html_only):
    return publishing.publish_paper(paper_id=paper.pk, user=demo["author"])


@pytest.fixture
def html_only(monkeypatch):
    # Open data comes from the snapshot, not the files: publish only the quick one.
    from reports.formats import FORMATS

    for name in [name for name in FORMATS if name != "html"]:
        monkeypatch.delitem(FORMATS, name)


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def urls(publication):
    args = [publication.paper_id, publication.version]
    return reverse("published:open_data_csv", args=args), reverse("published:open_data_json", args=args)


def test_appendix_1_csv_has_the_seeds_rows_in_order(published, client_for):
    csv_url, _ = urls(published)
    response = client_for("panel").get(csv_url)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="audit-panel-2017-09-22-public-appendix-1-v1.csv"'
    rows = csv_rows(response)
    assert rows[0] == ["Ref", "Trend", "Title", "Description", "Owners"]
    assert [row[:4] for row in rows[1:]] == [
        [ref, Trend(trend).label, title, description] for ref, trend, title, description, _ in appendix_1_rows()
    ]


def test_json_is_the_stored_public_snapshot_with_its_schema(published, client_for):
    _, json_url = urls(published)
    response = client_for("panel").get(json_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    document = json.loads(response.content)
    assert document["open_data_schema"] == 1 and (document["paper"], document["version"]) == (published.paper_id, 1)
    assert document["snapshot"] == Publication.objects.get().public_snapshot
    assert document["snapshot"]["appendix_4"] is None and document["snapshot"]["restricted"] is False


def test_open_data_stays_as_published_after_the_register_changes(published, demo, client_for):
    csv_url, json_url = urls(published)
    client = client_for("smt")
    before = (client.get(csv_url).content, client.get(json_url).content)
    risk = Risk.objects.get(ref="4", status="open")
    risk_services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"], reason="Reworded",
                              title="=HYPERLINK(\"http://evil.example\")")
    assert (client.get(csv_url).content, client.get(json_url).content) == before


def test_formula_like_text_is_neutralised(paper, demo, client_for, html_only):
    risk = Risk.objects.get(ref="4", status="open")
    with revisions_dated(timezone.make_aware(datetime(2017, 9, 10, 12))):  # before the paper's cut-off
        risk_services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=demo["smt"], reason="Reworded",
                                  title="=HYPERLINK(\"http://evil.example\")")
    publication = publishing.publish_paper(paper_id=paper.pk, user=demo["author"])
    rows = csv_rows(client_for("panel").get(urls(publication)[0]))
    assert [row[2] for row in rows if row[0] == "4"] == ["'=HYPERLINK(\"http://evil.example\")"]


def test_links_on_the_published_page_and_anonymous_access(published, client, settings):
    csv_url, json_url = urls(published)
    assert client.get(csv_url).status_code == 302  # sign in first, by default
    settings.PUBLISHED_PAPERS_PUBLIC = True
    page = client.get(reverse("published:version", args=[published.paper_id, 1])).text
    assert f'href="{csv_url}"' in page and f'href="{json_url}"' in page
    assert client.get(csv_url).status_code == 200 and client.get(json_url).status_code == 200


def test_a_tampered_snapshot_is_not_served(published, client_for):
    execute(  # the triggers that refuse it are lifted for the statement
        f"UPDATE {Publication._meta.db_table} SET snapshots_sha256 = %s WHERE id = %s", ["0" * 64, published.pk])
    response = client_for("panel").get(urls(published)[1])
    assert response.status_code == 500 and b"Ref" not in response.content


def test_unknown_version_and_wrong_method(published, client_for):
    client = client_for("panel")
    assert client.get(reverse("published:open_data_csv", args=[published.paper_id, 9])).status_code == 404
    assert client.post(urls(published)[0]).status_code == 405
