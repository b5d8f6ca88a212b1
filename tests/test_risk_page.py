import datetime

import pytest
from django.urls import reverse

from controls.models import Control
from riskregister.tracking import save_tracked
from risks import services
from tests.factories import funding

pytestmark = pytest.mark.django_db


def test_risk_page_shows_the_risk_in_full(client_for):
    risk = funding()
    page = client_for("smt").get(reverse("risks:detail", args=[risk.pk])).content.decode()
    assert risk.description in page
    for owner in risk.ordered_owners():
        assert owner.name in page
    assert "Inherent score" in page and "Current score" in page and "Target score" in page
    assert 'class="band band--' in page
    assert 'role="img"' in page and "<title id=\"chart-title\">" in page and "<desc" in page
    assert "Control actions" in page and "By lever" in page
    for control in risk.controls.all():
        assert control.description[:30] in page
    assert "Risks that depend on this one" in page
    assert 'style="' not in page  # CSP forbids inline styles
    assert reverse("risks:edit", args=[risk.pk]) in page
    assert reverse("risks:review", args=[risk.pk]) in page
    assert reverse("risks:history", args=[risk.pk]) in page
    assert reverse("risks:close", args=[risk.pk]) in page


def test_dependencies_show_both_directions_with_notes(client_for):
    from risks.models import RiskDependency

    dependency = RiskDependency.objects.select_related("risk", "depends_on").first()
    page = client_for("author").get(reverse("risks:detail", args=[dependency.depends_on.pk])).content.decode()
    assert f"Risk {dependency.risk.ref}: {dependency.risk.title}" in page
    page = client_for("author").get(reverse("risks:detail", args=[dependency.risk.pk])).content.decode()
    assert f"Risk {dependency.depends_on.ref}: {dependency.depends_on.title}" in page
    if dependency.note:
        assert dependency.note[:20] in page


def test_parent_and_dynamic_risks_are_linked(client_for, users):
    parent = funding()
    child = services.create_risk(user=users["smt"], reason="Dynamic", ref="99", title="Knife crime",
                                 description="Failure to cut knife crime", parent=parent,
                                 **{f"{s}_{a}": 3 for s in ("inherent", "current", "target") for a in ("likelihood", "impact")})
    page = client_for("smt").get(reverse("risks:detail", args=[parent.pk])).content.decode()
    assert "Risk 99: Knife crime" in page
    page = client_for("smt").get(reverse("risks:detail", args=[child.pk])).content.decode()
    assert f"Risk {parent.ref}: {parent.title}" in page


def test_report_authors_see_no_edit_links(client_for):
    risk = funding()
    page = client_for("author").get(reverse("risks:detail", args=[risk.pk])).content.decode()
    assert reverse("risks:edit", args=[risk.pk]) not in page
    assert reverse("risks:close", args=[risk.pk]) not in page
    assert reverse("risks:history", args=[risk.pk]) in page


def test_overdue_review_is_marked_with_text(client_for, users):
    risk = funding()
    services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=users["smt"],
                         reason="Past date", next_review=datetime.date(2018, 1, 1))
    page = client_for("smt").get(reverse("risks:detail", args=[risk.pk])).content.decode()
    assert "Overdue" in page


def test_wrong_method_is_405(client_for):
    assert client_for("smt").post(reverse("risks:detail", args=[funding().pk])).status_code == 405


def test_html_in_text_is_shown_as_text(client_for, users):
    risk = funding()
    services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=users["smt"],
                         reason="<b>why</b>", description="<script>alert(1)</script>")
    page = client_for("smt").get(reverse("risks:detail", args=[risk.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_query_count_does_not_grow_with_controls_and_reviews(client_for, users, django_assert_num_queries):
    client = client_for("smt")
    risk = funding()
    url = reverse("risks:detail", args=[risk.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for number in range(10):
        save_tracked(Control(risk=risk, description=f"Extra {number}", lever="oversight"),
                              user=users["smt"], reason="More")
        services.record_review(risk_id=risk.pk, user=users["smt"], reason="Review",
                               reviewed_on=datetime.date(2018, 1, 1) + datetime.timedelta(days=number),
                               trend="no_change", likelihood=3, impact=3)
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("Extra ") >= 10


@pytest.mark.django_db
def test_risk_page_and_restore_page_show_changes_by_no_one_in_particular(client_for):
    """Reviews and revisions whose user is gone (or was a script) still render."""
    import datetime

    from risks import services
    from risks.models import Risk

    risk = Risk.objects.get(ref="4")
    services.record_review(risk_id=risk.pk, user=None, reason="Imported", reviewed_on=datetime.date(2017, 12, 1),
                           trend="increasing", likelihood=5, impact=5)
    client = client_for("smt")
    response = client.get(reverse("risks:detail", args=[risk.pk]))
    assert response.status_code == 200
    revision = risk.history.first()
    assert revision.history_user is None
    response = client.get(reverse("risks:restore", args=[risk.pk, revision.history_id]))
    assert response.status_code == 200 and "(system)" in response.text
