"""axe-core on the paper with risk appetite switched on (issue 17): the "Within appetite"
column, the section of risks outside appetite, and Appendix 4's appetite lines."""

from datetime import date

from organisation.models import AppetiteLevel, RiskCategory
from organisation.services import set_appetite
from reports import services
from tests.e2e.conftest import DESKTOP, NARROW
from tests.e2e.helpers import BROWSER, assert_accessible
from tests.factories import september_paper

pytestmark = BROWSER


def test_a_paper_with_appetite_switched_on_is_accessible(page, demo, sign_in):
    set_appetite(category=RiskCategory.objects.get(key="financial"), level=AppetiteLevel.objects.get(key="cautious"),
                 statement="Some financial risk.", tolerance=12, approved_by="Audit Panel",
                 approved_on=date(2017, 6, 20), user=demo["admin"], reason="Appetite for financial")
    paper = services.create_paper(user=demo["author"], reason="Next quarter", meeting_date=date(2017, 12, 15),
                                  title="MOPAC Risk Management Report", copy_from=september_paper())
    services.update_paper(paper_id=paper.pk, expected_version=paper.version, user=demo["author"], reason="Appetite",
                          appetite_column=True, outside_appetite_section=True)
    page = sign_in(page, "author")
    for viewport in (DESKTOP, NARROW):
        page.set_viewport_size(viewport)
        for url in (f"/papers/{paper.pk}/preview/", f"/papers/{paper.pk}/preview/restricted/", f"/papers/{paper.pk}/"):
            page.goto(url)
            assert_accessible(page, f"{url} at {viewport['width']} px")
    page.goto(f"/papers/{paper.pk}/preview/")
    assert page.get_by_role("columnheader", name="Within appetite").is_visible()
    assert page.get_by_role("heading", name="Risks outside appetite").is_visible()
