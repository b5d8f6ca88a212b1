"""The HTML of every page state, checked as the accessibility audit of issue 11
checked it (tests/markup.py says what): unique ids, references that resolve,
error summaries that lead somewhere, "Error:" titles, scrolling boxes that
take focus and have a name, captions, heading levels. The browser checks
(axe at full width and 320 px) are in tests/e2e."""

import datetime

import pytest
from django.urls import reverse

from publications import publishing
from reports.models import Paper
from risks import services
from risks.models import Risk
from tests.edit_helpers import edit_data
from tests.factories import funding
from tests.markup import parse, problems

pytestmark = pytest.mark.django_db


def september():
    return Paper.objects.get(meeting_date="2017-09-22")


def assert_sound(response, name):
    assert response.status_code in (200, 409), f"{name}: {response.status_code}"
    found = problems(response.content.decode())
    assert not found, f"{name}:\n" + "\n".join(found)


def test_signed_out_pages(client):
    login = reverse("login")
    assert_sound(client.get(login), "sign in")
    assert_sound(client.post(login, {}), "sign in, nothing entered")
    assert_sound(client.post(login, {"username": "smt", "password": "wrong"}), "sign in, wrong password")


def test_editor_pages(client_for, users):
    client = client_for("smt")
    risk = funding()
    pages = {
        "home": client.get(reverse("home")),
        "register": client.get(reverse("risks:register")),
        "register, bad filter": client.get(reverse("risks:register") + "?trend=sideways&likelihood=9"),
        "register, bad tolerance": client.get(reverse("risks:register") + "?tolerance_category=no-such-category"),
        "risk": client.get(reverse("risks:detail", args=[risk.pk])),
        "edit": client.get(reverse("risks:edit", args=[risk.pk])),
        "edit, errors": client.post(reverse("risks:edit", args=[risk.pk]), edit_data(risk, **{"risk-title": "", "change-reason": ""})),
        "review": client.get(reverse("risks:review", args=[risk.pk])),
        "review, errors": client.post(reverse("risks:review", args=[risk.pk]), {"version": risk.version}),
        "new risk": client.get(reverse("risks:create")),
        "new risk, errors": client.post(reverse("risks:create"), {"owners-TOTAL_FORMS": "1", "owners-INITIAL_FORMS": "0",
                                                                  "owners-0-order": "x"}),
        "close": client.get(reverse("risks:close", args=[risk.pk])),
        "close, errors": client.post(reverse("risks:close", args=[risk.pk]), {"version": risk.version}),
        "password": client.get(reverse("password_change")),
        "password, errors": client.post(reverse("password_change"), {}),
    }
    first = risk.history.last()
    services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=users["admin"],
                         reason="Their wording", description="Failure to secure their funding")
    pages["history"] = client.get(reverse("risks:history", args=[risk.pk]))
    pages["restore"] = client.get(reverse("risks:restore", args=[risk.pk, first.history_id]))
    pages["restore, errors"] = client.post(reverse("risks:restore", args=[risk.pk, first.history_id]),
                                           {"version": funding().version, "revision": first.history_id, "reason": ""})
    pages["conflict"] = client.post(reverse("risks:edit", args=[risk.pk]), edit_data(risk) | {"change-version": risk.version})
    assert pages["conflict"].status_code == 409
    assert all("There is a problem" in pages[name].text for name in pages if name.endswith(", errors"))
    for name, response in pages.items():
        assert_sound(response, name)


def test_author_pages(client_for, users):
    client = client_for("author")
    paper = september()
    appendix_2 = reverse("reports:appendix_2", args=[paper.pk])
    first_order = next(name for tag, attrs in parse(client.get(appendix_2).text).elements
                       if (name := attrs.get("name", "")).startswith("order_"))
    pages = {
        "papers": client.get(reverse("reports:list")),
        "create": client.get(reverse("reports:create")),
        "create, errors": client.post(reverse("reports:create"), {}),
        "edit": client.get(reverse("reports:edit", args=[paper.pk])),
        "edit, errors": client.post(reverse("reports:edit", args=[paper.pk]), {"version": paper.version}),
        "appendix 2": client.get(appendix_2),
        "delete": client.get(reverse("reports:delete", args=[paper.pk])),
        "delete, errors": client.post(reverse("reports:delete", args=[paper.pk]), {"version": paper.version, "reason": ""}),
        "start again": client.get(reverse("reports:restart", args=[paper.pk])),
        "appendix 2, errors": client.post(appendix_2, {"version": paper.version, first_order: "first", "reason": ""}),
        "preview": client.get(reverse("reports:preview", args=[paper.pk])),
        "restricted preview": client.get(reverse("reports:preview_restricted", args=[paper.pk])),
        "publish": client.get(reverse("reports:publish", args=[paper.pk])),
    }
    risk = Risk.objects.get(ref="1", status="open")  # raised after the meeting: the paper cannot be published
    services.update_risk(risk_id=risk.pk, expected_version=risk.version, user=users["smt"],
                         reason="Date raised corrected", opened_on=datetime.date(2017, 10, 2))
    pages["publish, cannot"] = client.post(reverse("reports:publish", args=[paper.pk]), {"reason": ""})
    assert "cannot be published" in pages["publish, cannot"].text
    for name, response in pages.items():
        assert_sound(response, name)


def test_the_publish_progress_page(client_for, users):
    """Waiting, stopped for good, and stopped so it may run again. The error box
    is in the page all along, hidden until the script shows it: hidden, it is no
    error (no "Error:" title); shown on loading, it takes the focus."""
    from publications.models import PublishJob

    paper = september()
    job = PublishJob.objects.create(paper=paper, expected_version=1, expected_paper_version=paper.version,
                                    requested_by=users["author"])
    client, page = client_for("author"), reverse("reports:publish_job", args=[paper.pk, job.pk])
    waiting = client.get(page)
    assert_sound(waiting, "publish progress, waiting")
    assert "<title>Publishing" in waiting.text and 'data-progress="retry" hidden' in waiting.text
    PublishJob.objects.filter(pk=job.pk).update(status="failed", error="The paper was changed.")
    stopped = client.get(page)
    assert_sound(stopped, "publish progress, stopped")
    assert "<title>Error: " in stopped.text and "Try again" not in stopped.text
    PublishJob.objects.filter(pk=job.pk).update(retryable=True)
    may_retry = client.get(page)
    assert_sound(may_retry, "publish progress, may run again")
    assert 'data-progress="retry">' in may_retry.text


def test_published_pages(client_for, users):
    paper = september()
    publication = publishing.publish_paper(paper_id=paper.pk, user=users["author"])
    client = client_for("panel")
    assert_sound(client.get(reverse("published:overview")), "published papers")
    assert_sound(client.get(reverse("published:version", args=[paper.pk, publication.version])), "published paper")
    restricted = client_for("smt").get(reverse("published:version_restricted", args=[paper.pk, publication.version]))
    assert "Lever coverage" in restricted.text
    assert_sound(restricted, "published paper, restricted pack")
    client = client_for("panel")
    stored = client.get(reverse("published:file", args=[paper.pk, publication.version, "html"]))
    assert_sound(stored, "stored paper HTML")


@pytest.mark.parametrize("html, problem", [
    ('<title>T</title><p id="a"></p><p id="a"></p>', "id 'a' is used 2 times"),
    ('<title>T</title><input aria-describedby="gone">', "no element has id 'gone'"),
    ('<title>Error: T</title><div class="error-summary"><a href="#">x</a></div>', "error summary link href='#' points at nothing"),
    ('<title>T</title><p class="error-message">Enter a date</p>', "the page shows an error but its title is 'T'"),
    ('<title>Error: T</title><p class="error-message">x</p><input name="u" autofocus>', "<input name='u'> has autofocus on a page with errors"),
    ('<title>T</title><div class="table-wrap"><table><caption>c</caption></table></div>', "needs tabindex=0, role=region and a name"),
    ('<title>T</title><table><tr><td>1</td></tr></table>', "has no caption or name"),
    ("<title>T</title><h1>A</h1><h3>B</h3>", "heading levels jump from h1 to h3"),
    ('<title>Error: T</title><div class="error-summary" tabindex="-1"></div>', "without static/js/error-summary.js"),
    ('<title>T</title><label for="">Risks</label><input id="r">', "<label for=''> labels nothing"),
    ('<title>T</title><div hidden><div class="error-summary"></div></div><p class="error-message">x</p>',
     "the page shows an error but its title is 'T'"),
    ('<title>Error: T</title><h1>A</h1><h2>B</h2><div class="error-summary"><h2>There is a problem</h2></div>',
     "the error summary comes after a section heading"),
    ('<title>T</title><input type="checkbox" name="r"><input type="checkbox" name="r">',
     "the 2 checkboxes or radios named 'r' are not in a fieldset"),
])
def test_the_checks_can_fail(html, problem):
    assert any(problem in found for found in problems(html)), problems(html)


def assert_paper_landmarks(html, name):
    """A skip link to <main>, a banner <header> before it and a <footer> after it (none inside)."""
    elements = parse(html).elements
    tags = [tag for tag, _ in elements]
    skip = next(attrs["href"] for tag, attrs in elements if "skip-link" in attrs.get("class", "").split())
    assert skip == "#" + elements[tags.index("main")][1]["id"], name
    assert tags.index("header") < tags.index("main") < tags.index("footer"), name
    assert "paper-banner" in elements[tags.index("header")][1]["class"], name  # the banner, not the masthead inside main


def test_the_paper_has_a_skip_link_and_banner_and_footer_landmarks(client_for, users):
    paper = september()
    client = client_for("author")
    assert_paper_landmarks(client.get(reverse("reports:preview", args=[paper.pk])).text, "preview")
    publication = publishing.publish_paper(paper_id=paper.pk, user=users["author"])
    stored = client_for("panel").get(reverse("published:file", args=[paper.pk, publication.version, "html"]))
    assert_paper_landmarks(b"".join(stored.streaming_content).decode() if stored.streaming else stored.text, "stored HTML")


def test_the_screen_only_parts_stay_out_of_the_pdf(demo):
    from tests.test_paper_pdf import pdf_of_fixture_paper, read

    for restricted in (False, True):
        _, pages = read(pdf_of_fixture_paper(restricted))
        text = " ".join(pages)
        assert "Skip to the paper" not in text
        assert "Mayor" not in pages[0].split("Report by")[0].split("MOPAC · Audit Panel")[0]  # no banner above the masthead
        assert not any(page.rstrip().endswith("(restricted pack).") or "Audit Panel, Friday, 22 September 2017." in page for page in pages)


def test_round_settings_and_panel_pages(client_for, users):
    """The pages added since the audit of issue 11: review rounds, settings,
    panel questions and actions, appetite acceptance, reopening, and their
    error states (each form sent empty or with bad input)."""
    from organisation.entry_views import KINDS
    from organisation.models import Lever, RiskCategory
    from panel.services import raise_question
    from rounds.models import ReviewRound

    paper = september()
    review_round = ReviewRound.objects.get(paper=paper)
    risk, outside = funding(), Risk.objects.get(ref="1", status="open")
    client = client_for("author")
    publication = publishing.publish_paper(paper_id=paper.pk, user=users["author"])
    item = raise_question(publication=publication, text="How is knife crime tracked?", user=users["panel"])
    lever = Lever.objects.first()
    category = RiskCategory.objects.get(key="financial")
    pages = {
        "rounds": client.get(reverse("rounds:list")),
        "round": client.get(reverse("rounds:detail", args=[review_round.pk])),
        "round, bad filter": client.get(reverse("rounds:detail", args=[review_round.pk]) + "?status=sideways&owner=x"),
        "open a round, errors": client.post(reverse("rounds:open"), {"meeting_date": "31/02/2018"}),
        "owners": client.get(reverse("rounds:owners")),
        "settings": client.get(reverse("organisation:index")),
        "organisation, errors": client.post(reverse("organisation:organisation"), {"name": ""}),
        "bands": client.get(reverse("organisation:bands")),
        "appetites": client.get(reverse("organisation:appetites")),
        "appetite": client.get(reverse("organisation:appetite_edit", args=[category.pk])),
        "appetite, errors": client.post(reverse("organisation:appetite_edit", args=[category.pk]), {"statement": ""}),
        "settings history": client.get(reverse("organisation:history")),
        "lever": client.get(reverse("organisation:entry_edit", args=["levers", lever.pk])),
        "lever, errors": client.post(reverse("organisation:entry_edit", args=["levers", lever.pk]), {"position": "x"}),
        "delete a lever": client.get(reverse("organisation:entry_delete", args=["levers", lever.pk])),
        "panel items": client.get(reverse("panel:list")),
        "panel item": client.get(reverse("panel:detail", args=[item.pk])),
        "new panel item": client.get(reverse("panel:create")),
        "new panel item, errors": client.post(reverse("panel:create"), {"risks": ["x"]}),
        "edit panel item": client.get(reverse("panel:edit", args=[item.pk])),
        "edit panel item, errors": client.post(reverse("panel:edit", args=[item.pk]), {"version": item.version}),
        "answer": client.get(reverse("panel:answer", args=[item.pk])),
        "answer, errors": client.post(reverse("panel:answer", args=[item.pk]), {"version": item.version}),
        "deep dive, errors": client.post(reverse("panel:deep_dive_create"), {"reason": ""}),
        "lever coverage": client.get(reverse("panel:levers")),
        "lever coverage, bad filter": client.get(reverse("panel:levers") + "?owner=x&band=no-such-band"),
    }
    pages |= {f"settings: {kind}": client.get(reverse("organisation:entries", args=[kind])) for kind in KINDS}
    pages |= {f"settings: new {kind}, errors": client.post(reverse("organisation:entry_create", args=[kind]), {"label": ""})
              for kind in KINDS}
    client = client_for("smt")
    confirm = reverse("rounds:confirm", args=[review_round.pk, risk.pk])
    pages |= {
        "confirm unchanged": client.get(confirm),
        "confirm unchanged, errors": client.post(confirm, {"words": ""}),
        "add an owner, errors": client.post(reverse("rounds:owner_create"), {"email": "not an address"}),
        "partners": client.get(reverse("panel:risk_partners", args=[risk.pk])),
        "partners, errors": client.post(reverse("panel:risk_partners", args=[risk.pk]), {"ref": ""}),
        "sign off": client.get(reverse("rounds:sign_off", args=[review_round.pk])),
        "sign off, errors": client.post(reverse("rounds:sign_off", args=[review_round.pk]), {"note": "x" * 2001}),
        "accept outside appetite": client.get(reverse("risks:accept_outside_appetite", args=[outside.pk])),
        "accept outside appetite, errors": client.post(reverse("risks:accept_outside_appetite", args=[outside.pk]),
                                                       {"version": outside.version, "expires_on": "soon"}),
        "dependencies": client.get(reverse("risks:dependencies", args=[risk.pk])),
        "dependencies, errors": client.post(reverse("risks:dependencies", args=[risk.pk]), {"reason": ""}),
    }
    services.close_risk(risk_id=risk.pk, expected_version=risk.version, user=users["smt"], reason="Funded")
    pages["reopen"] = client.get(reverse("risks:reopen", args=[risk.pk]))
    pages["reopen, errors"] = client.post(reverse("risks:reopen", args=[risk.pk]), {"version": funding().version})
    errors = [name for name in pages if name.endswith((", errors", ", bad filter")) and "There is a problem" not in pages[name].text]
    assert not errors, f"no error summary on {errors}"
    for name, response in pages.items():
        assert_sound(response, name)


def test_the_fields_about_the_person_signed_in_identify_their_purpose(client_for):
    """WCAG 1.3.5: the username and passwords carry autocomplete tokens, so
    browsers and password managers fill them (and the new password is not
    filled with the old one)."""

    def autocomplete(html):
        return {attrs["name"]: attrs.get("autocomplete") for tag, attrs in parse(html).elements
                if tag == "input" and attrs.get("type") != "hidden"}

    assert autocomplete(client_for(None).get(reverse("login")).text) == {
        "username": "username", "password": "current-password"}
    assert autocomplete(client_for("smt").get(reverse("password_change")).text) == {
        "old_password": "current-password", "new_password1": "new-password", "new_password2": "new-password"}
