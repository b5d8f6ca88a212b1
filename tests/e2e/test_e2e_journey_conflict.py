"""Journey: two SMT editors edit the same risk at once. The second save is
refused with the conflict page (HTTP 409) showing both versions; the second
editor saves again and nothing is lost."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from riskregister import access
from risks.models import Risk
from tests.e2e.helpers import BROWSER, assert_accessible, save_screenshot

pytestmark = BROWSER

TITLE = "Victims"
FIRST_DESCRIPTION = "Failure to ensure that the voices of victims and witnesses are heard across policing and justice."


def open_edit_page(page, title):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Register").click()
    page.get_by_role("link", name=title, exact=True).click()
    page.get_by_role("link", name="Edit", exact=False).first.click()
    page.wait_for_url("**/edit/")
    return page.locator("main form")


def test_two_editors_at_once_lose_nothing(new_page, demo, sign_in, password):
    second = get_user_model().objects.create_user("smt2", password=password, first_name="Ravi", last_name="Shah")
    second.groups.add(Group.objects.get(name=access.SMT_EDITOR))
    risk = Risk.objects.get(title=TITLE)
    first_page, second_page = new_page(), new_page()
    sign_in(first_page, "smt")
    sign_in(second_page, "smt2")

    first_form = open_edit_page(first_page, TITLE)
    second_form = open_edit_page(second_page, TITLE)

    # The first editor rewrites the description and saves.
    first_form.get_by_label("Description").first.fill(FIRST_DESCRIPTION)
    first_form.get_by_label("Reason for the change").fill("Witnesses added")
    first_form.get_by_role("button", name="Save the risk and its controls").click()
    first_page.wait_for_url(f"**/risks/{risk.pk}/")
    assert first_page.locator(".lede").inner_text() == FIRST_DESCRIPTION

    # The second, from the form opened before that save, lowers the target likelihood.
    second_form.get_by_label("Target likelihood").fill("1")
    second_form.get_by_label("Reason for the change").fill("Target agreed with the Victims' Commissioner")
    with second_page.expect_response(lambda response: response.request.method == "POST") as answer:
        second_form.get_by_role("button", name="Save the risk and its controls").click()
    assert answer.value.status == 409
    assert second_page.get_by_role("heading", level=1).inner_text() == "Someone else changed this risk while you were editing"
    assert "Nothing you entered has been saved yet" in second_page.get_by_role("alert").inner_text()

    # Both versions: the first editor's save (who, why, the words changed)...
    theirs = second_page.locator(".history-entry")
    assert theirs.count() == 1
    assert "By Siobhan Peters on" in theirs.inner_text() and "Reason: Witnesses added" in theirs.inner_text()
    assert theirs.locator("ins").filter(has_text="witnesses").count() == 1
    # ...and the second editor's form on the current version: their change kept,
    # the fields they had not touched showing the first editor's values.
    form = second_page.locator("main form")
    assert form.get_by_label("Target likelihood").input_value() == "1"
    assert form.get_by_label("Description").first.input_value() == FIRST_DESCRIPTION
    assert_accessible(second_page, "conflict page")
    save_screenshot(second_page, "conflict")

    # The second editor saves again.
    reason = form.get_by_label("Reason for the change")
    if not reason.input_value():
        reason.fill("Target agreed with the Victims' Commissioner")
    form.get_by_role("button", name="Save the risk and its controls").click()
    second_page.wait_for_url(f"**/risks/{risk.pk}/")
    assert second_page.locator(".lede").inner_text() == FIRST_DESCRIPTION
    assert "likelihood 1 × impact 3 = 3" in second_page.locator(".summary-list").first.inner_text()

    # Nothing lost: both changes in the risk, both revisions in its history.
    risk.refresh_from_db()
    assert (risk.description, risk.target_likelihood) == (FIRST_DESCRIPTION, 1)
    latest = list(risk.history.order_by("-history_date")[:2])
    assert [(revision.history_user.username, revision.history_change_reason) for revision in latest] == [
        ("smt2", "Target agreed with the Victims' Commissioner"), ("smt", "Witnesses added"),
    ]
    first_page.reload()
    assert "likelihood 1 × impact 3 = 3" in first_page.locator(".summary-list").first.inner_text()
    first_page.get_by_role("link", name="History").click()
    metas = first_page.locator(".history-entry__meta").all_inner_texts()[:2]
    assert metas[0].startswith("By Ravi Shah on") and metas[1].startswith("By Siobhan Peters on"), metas
