"""A correction's published page shows what differs from the version before it (issue 13, item 6)."""

from django.urls import reverse

from publications.publishing import publish_paper
from reports import services
from reports.version_diff import version_differences


def test_a_correction_shows_the_text_and_rows_that_differ(client_for, paper, demo):
    publish_paper(paper_id=paper.pk, user=demo["author"])
    first = client_for("panel").get(reverse("published:version", args=[paper.pk, 1])).text
    assert "What differs from version" not in first
    paper.refresh_from_db()
    services.update_paper(paper_id=paper.pk, expected_version=paper.version, user=demo["author"],
                          reason="Typo", financial="There are no new financial implications.")
    publish_paper(paper_id=paper.pk, user=demo["author"], reason="Financial implications corrected")
    page = client_for("panel").get(reverse("published:version", args=[paper.pk, 2]))
    assert page.status_code == 200
    text = page.text
    assert "What differs from version 1" in text and "Financial implications corrected" in text
    assert "Text changed" in text and "There are no new financial implications." in text


def test_register_rows_that_differ_between_versions():
    def snapshot(description, trend):
        return {
            "restricted": False, "sections": [], "appendix_2": [], "appendix_4": None,
            "appendix_1": [{"id": 1, "ref": "1", "title": "Funding", "description": description, "owners": "A",
                            "trend": trend, "trend_label": trend.title(), "glyph": ""}],
        }

    same = version_differences(snapshot("d", "new"), snapshot("d", "new"))
    assert not same["has_differences"]
    differs = version_differences(snapshot("d", "new"), snapshot("Clarified", "increasing"))
    assert differs["rows"]["descriptions"] == [{"ref": "1", "title": "Funding", "old": "d", "new": "Clarified"}]
    assert [t["new_label"] for t in differs["rows"]["trends"]] == ["Increasing"]
