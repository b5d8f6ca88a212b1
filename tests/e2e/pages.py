"""The page types the journeys visit, so every check covers all of them.

Add a page type here when a feature adds one (risk edit, history, conflict,
paper preview, published overview...): the accessibility and layout tests
then cover it."""

from django.conf import settings
from django.contrib.auth import get_user_model

from publications import publishing
from reports.formats import FORMATS, Format
from risks.management.commands.load_demo import DEMO_PASSWORD
from tests.factories import funding as adequate_funding, september_paper  # noqa: F401 (used by the journeys)

# In order: the last of each list changes state (locks "author" out; changes
# the signed-in user's password), so it comes after the others.
ANONYMOUS_PAGES = ["login", "login-error", "locked-out"]
SIGNED_IN_PAGES = [
    "home", "register", "risk", "risk-edit", "risk-edit-error", "review", "review-error", "history", "restore", "conflict",
    "rounds", "round", "round-confirm", "round-confirm-error", "round-sign-off", "owners", "owner-edit", "owner-edit-error",
    "risk-dependencies", "lever-coverage", "panel-items", "risk-partners-error",
    "risk-outside-appetite", "appetite-accept", "appetite-accept-error", "appetite-withdraw", "register-tolerance",
    "import-upload", "import-upload-error", "import-preview", "import-preview-error",
    "post-too-large", "risk-create", "risk-create-error", "risk-close", "risk-close-error", "restore-error",
    "risk-dependencies-error", "risk-partners", "panel-answer", "panel-answer-error", "published-restricted",
    "not-found", "forbidden", "risk-reopen", "risk-reopen-error",
    "password-change", "password-change-error", "password-change-done",
]
# A report author's pages (the September 2017 paper).
AUTHOR_PAGES = ["papers", "paper-create", "paper-create-error", "paper-edit", "appendix-2", "paper-delete", "paper-preview", "publish-confirm",
                "publish-conflict", "publish-progress", "publish-progress-error", "round-open", "round-open-error", "panel-item-new", "panel-item-new-error",
                "deep-dive-new-error", "settings", "settings-organisation", "settings-bands", "settings-bands-error",
                "settings-entries", "settings-entry-edit", "settings-entry-delete", "settings-appetites",
                "settings-appetite-error", "settings-history", "paper-restart", "paper-preview-restricted",
                "settings-organisation-error", "settings-entry-new-error", "settings-entry-edit-error",
                "settings-appetite", "panel-item-edit", "panel-item-edit-error", "deep-dive-new"]
# A panel member's pages (September 2017 published first, if it is not yet).
PANEL_PAGES = ["published-overview", "published-paper", "published-missing-file", "panel-ask-error", "panel-item"]
NEW_PASSWORD = "a-new-Passphrase-for-e2e-47"


def september_round():
    from rounds.models import ReviewRound

    return ReviewRound.objects.get(paper=september_paper())


def published_september():
    """The September 2017 paper's current publication (publishing it if need be)."""
    paper = september_paper()
    return publishing.latest_publication(paper) or publishing.publish_paper(
        paper_id=paper.pk, user=get_user_model().objects.get(username="author"),
    )


def publish_job(**fields):
    """A job publishing the September 2017 paper's next version, as the worker left it
    (no worker runs beside the live server: a queued job stays queued)."""
    from publications.models import PublishJob

    paper = september_paper()
    job, _ = PublishJob.objects.update_or_create(
        paper=paper, expected_version=paper.publications.count() + 1,
        defaults={"expected_paper_version": paper.version, "requested_by": get_user_model().objects.get(username="author"),
                  "status": PublishJob.Status.QUEUED, "error": "", "retryable": False, **fields})
    return job


def panel_question():
    """A panel member's question on the published September 2017 paper (raised if there is none)."""
    from panel.models import PanelItem
    from panel.services import raise_question

    panel = get_user_model().objects.get(username="panel")
    return PanelItem.objects.filter(raised_by=panel).first() or raise_question(
        publication=published_september(), text="How is knife crime tracked?", user=panel)


def lever_in_use():
    from controls.models import Control
    from organisation.models import Lever

    return Lever.objects.get(key=Control.objects.exclude(lever="").values_list("lever", flat=True).first())


def outside_appetite():
    """Risk 1 "Address vulnerability": outside the demo's operations appetite (16 above 12)."""
    from risks.models import Risk

    return Risk.objects.get(ref="1")


def changed_workbook():
    """The register workbook as exported, with the first risk's title changed (a preview with a change)."""
    import io

    from openpyxl import load_workbook

    from risks.workbook import export_workbook

    workbook = load_workbook(io.BytesIO(export_workbook()[2]))
    workbook["Risks"]["C2"].value = "A title changed in a spreadsheet"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def send(page, button):
    """Send the page's form as it is (left empty, or with what the page filled in): an error state."""
    page.get_by_role("button", name=button, exact=True).click()
    page.get_by_role("alert").wait_for()


def closed_risk():
    """A closed risk, for the reopen page: the demo's first, or else its last open risk, closed here."""
    from risks import services
    from risks.models import Risk

    risk = Risk.objects.filter(status=Risk.Status.CLOSED).order_by("pk").first()
    if risk is None:
        risk = Risk.objects.filter(status=Risk.Status.OPEN).exclude(pk__in=[adequate_funding().pk, outside_appetite().pk]).last()
        services.close_risk(risk_id=risk.pk, expected_version=risk.version, reason="No longer a risk",
                            user=get_user_model().objects.get(username="smt"))
    return risk


def open_page(page, name):
    """Go to the page type `name`, leaving it ready to check (signed-in
    pages expect a demo user signed in with the demo password)."""
    if name == "login":
        page.goto("/accounts/login/")
    elif name == "login-error":
        page.goto("/accounts/login/")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("alert").wait_for()
    elif name == "home":
        page.goto("/")
    elif name == "register":
        page.goto("/risks/")
    elif name == "risk":
        page.goto(f"/risks/{adequate_funding().pk}/")
    elif name == "risk-edit":
        page.goto(f"/risks/{adequate_funding().pk}/edit/")
    elif name == "risk-edit-error":
        page.goto(f"/risks/{adequate_funding().pk}/edit/")
        page.get_by_role("button", name="Save the risk and its controls").click()
        page.get_by_role("alert").wait_for()
    elif name == "review":
        page.goto(f"/risks/{adequate_funding().pk}/review/")
    elif name == "review-error":
        page.goto(f"/risks/{adequate_funding().pk}/review/")
        page.get_by_role("button", name="Record the review").click()
        page.get_by_role("alert").wait_for()
    elif name == "post-too-large":
        # A description over DATA_UPLOAD_MAX_MEMORY_SIZE: the site's 413 page.
        page.goto("/risks/new/")
        page.evaluate(
            "size => { const text = document.querySelector('textarea[name=\"risk-description\"]');"
            " text.value = 'x'.repeat(size + 1); text.form.requestSubmit(); }",
            settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        )
        page.get_by_role("heading", name="What you sent is too large").wait_for()
    elif name == "history":
        page.goto(f"/risks/{adequate_funding().pk}/history/")
    elif name == "restore":
        risk = adequate_funding()
        page.goto(f"/risks/{risk.pk}/history/{risk.history.last().history_id}/restore/")
    elif name == "conflict":
        # The edit form as if opened before the risk's last save: a stale version.
        page.goto(f"/risks/{adequate_funding().pk}/edit/")
        page.locator("input[name='change-version']").evaluate("input => { input.value = String(Number(input.value) - 1); }")
        page.get_by_label("Reason for the change").fill("Stale form")
        page.get_by_role("button", name="Save the risk and its controls").click()
        page.get_by_role("heading", name="Someone else changed this risk while you were editing").wait_for()
    elif name in ("import-upload", "import-upload-error"):
        page.goto("/risks/import/")
        if name == "import-upload-error":
            page.get_by_role("button", name="Upload and preview").click()
            page.get_by_role("alert").wait_for()
    elif name in ("import-preview", "import-preview-error"):
        # The register workbook as exported (one change), or a file that is not a workbook.
        content = changed_workbook() if name == "import-preview" else b"%PDF-1.7 not a workbook"
        page.goto("/risks/import/")
        page.get_by_label("Register workbook").set_input_files(files=[{
            "name": "register.xlsx", "buffer": content,
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }])
        page.get_by_role("button", name="Upload and preview").click()
        page.get_by_role("heading", name="Preview the import of register.xlsx").wait_for()
    elif name == "papers":
        page.goto("/papers/")
    elif name == "paper-create":
        page.goto("/papers/new/")
    elif name == "paper-create-error":
        page.goto("/papers/new/")
        page.get_by_role("button", name="Create the paper").click()
        page.get_by_role("alert").wait_for()
    elif name == "paper-edit":
        page.goto(f"/papers/{september_paper().pk}/")
    elif name == "appendix-2":
        page.goto(f"/papers/{september_paper().pk}/appendix-2/")
    elif name == "paper-delete":
        page.goto(f"/papers/{september_paper().pk}/delete/")
    elif name == "paper-preview":
        page.goto(f"/papers/{september_paper().pk}/preview/")
    elif name == "publish-confirm":
        page.goto(f"/papers/{september_paper().pk}/publish/")
    elif name == "publish-conflict":
        # The confirmation page as if opened before the paper's last save: nothing is published.
        page.goto(f"/papers/{september_paper().pk}/publish/")
        page.locator("input[name='paper_version']").evaluate("input => { input.value = String(Number(input.value) + 1); }")
        page.get_by_role("button", name="Publish version").click()
        page.get_by_role("heading", name="Nothing was published").wait_for()
    elif name in ("publish-progress", "publish-progress-error"):
        # Waiting for the worker; or stopped by a change to the paper (nothing published).
        error = {"status": "failed", "error": "The paper was changed after you opened this page."}
        job = publish_job(**(error if name == "publish-progress-error" else {}))
        page.goto(f"/papers/{job.paper_id}/publish/jobs/{job.pk}/")
        page.get_by_role("heading", name=f"Publishing version {job.expected_version} of the paper").wait_for()
    elif name == "published-missing-file":
        # A format added to the registry after this version was published (the live server
        # runs in this process): the version says it has no such file.
        publication = published_september()
        FORMATS["later"] = Format(name="later", label="Later", content_type="application/octet-stream", export=None)
        try:
            page.goto(f"/published/{publication.paper_id}/v{publication.version}/public.later")
        finally:
            del FORMATS["later"]
    elif name == "rounds":
        page.goto("/rounds/")
    elif name == "round":
        page.goto(f"/rounds/{september_round().pk}/")
    elif name in ("round-confirm", "round-confirm-error"):
        page.goto(f"/rounds/{september_round().pk}/risks/{adequate_funding().pk}/confirm/")
        if name == "round-confirm-error":
            page.get_by_role("button", name="Confirm unchanged").click()
            page.get_by_role("alert").wait_for()
    elif name == "round-sign-off":
        page.goto(f"/rounds/{september_round().pk}/sign-off/")
    elif name == "risk-outside-appetite":
        page.goto(f"/risks/{outside_appetite().pk}/")
    elif name in ("appetite-accept", "appetite-accept-error"):
        page.goto(f"/risks/{outside_appetite().pk}/appetite/accept/")
        if name == "appetite-accept-error":
            page.get_by_role("button", name="Record the acceptance").click()
            page.get_by_role("alert").wait_for()
    elif name == "appetite-withdraw":
        page.goto(f"/risks/{outside_appetite().pk}/appetite/withdraw/")
    elif name == "register-tolerance":
        page.goto("/risks/?tolerance_category=operations")
    elif name == "risk-dependencies":
        page.goto(f"/risks/{adequate_funding().pk}/dependencies/")
    elif name == "owners":
        page.goto("/rounds/owners/")
    elif name in ("owner-edit", "owner-edit-error"):
        page.goto("/rounds/owners/new/")
        if name == "owner-edit-error":
            page.get_by_role("button", name="Save").click()
            page.get_by_role("alert").wait_for()
    elif name in ("round-open", "round-open-error"):
        page.goto("/rounds/open/")
        if name == "round-open-error":
            page.get_by_role("button", name="Open the round").click()
            page.get_by_role("alert").wait_for()
    elif name == "published-overview":
        published_september()
        page.goto("/published/")
    elif name == "published-paper":
        publication = published_september()
        page.goto(f"/published/{publication.paper_id}/v{publication.version}/")
    elif name == "lever-coverage":
        page.goto("/panel/levers/")
    elif name == "panel-items":
        panel_question()
        page.goto("/panel/")
    elif name in ("panel-item-new", "panel-item-new-error"):
        page.goto("/panel/new/")
        if name == "panel-item-new-error":
            page.get_by_role("button", name="Save").click()
            page.get_by_role("alert").wait_for()
    elif name == "risk-partners-error":
        page.goto(f"/panel/risks/{adequate_funding().pk}/partners/")
        page.get_by_role("button", name="Link").click()
        page.get_by_role("alert").wait_for()
    elif name == "deep-dive-new-error":
        page.goto("/panel/deep-dives/new/")
        page.get_by_role("button", name="Schedule the deep dive").click()
        page.get_by_role("alert").wait_for()
    elif name == "panel-ask-error":
        publication = published_september()
        page.goto(f"/published/{publication.paper_id}/v{publication.version}/")
        page.get_by_role("button", name="Send the question").click()
        page.get_by_role("alert").wait_for()
    elif name == "panel-item":
        page.goto(f"/panel/{panel_question().pk}/")
    elif name == "settings":
        page.goto("/settings/")
    elif name == "settings-organisation":
        page.goto("/settings/organisation/")
    elif name in ("settings-bands", "settings-bands-error"):
        page.goto("/settings/bands/")
        if name == "settings-bands-error":
            page.locator("input[name='bands-1-highest']").fill("12")
            page.get_by_role("button", name="Save the bands").click()
            page.get_by_role("alert").wait_for()
    elif name == "settings-entries":
        page.goto("/settings/categories/")
    elif name == "settings-entry-edit":
        page.goto(f"/settings/levers/{lever_in_use().pk}/")
    elif name == "settings-entry-delete":
        page.goto(f"/settings/levers/{lever_in_use().pk}/delete/")
    elif name == "settings-appetites":
        page.goto("/settings/appetite/")
    elif name == "settings-appetite-error":
        from organisation.models import RiskCategory

        page.goto(f"/settings/appetite/{RiskCategory.objects.get(key='financial').pk}/")
        page.get_by_role("button", name="Save the appetite").click()
        page.get_by_role("alert").wait_for()
    elif name == "settings-history":
        page.goto("/settings/history/")
    elif name == "password-change":
        page.goto("/accounts/password/")
    elif name == "password-change-error":
        page.goto("/accounts/password/")
        page.get_by_role("button", name="Change password").click()
        page.get_by_role("alert").wait_for()
    elif name == "password-change-done":
        page.goto("/accounts/password/")
        page.get_by_label("Old password").fill(DEMO_PASSWORD)
        page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Change password").click()
        page.wait_for_url("**/accounts/password/done/")
    elif name in ("risk-create", "risk-create-error"):
        page.goto("/risks/new/")
        if name == "risk-create-error":
            send(page, "Create the risk")
    elif name in ("risk-close", "risk-close-error"):
        page.goto(f"/risks/{adequate_funding().pk}/close/")
        if name == "risk-close-error":
            send(page, "Close the risk")
    elif name in ("risk-reopen", "risk-reopen-error"):
        page.goto(f"/risks/{closed_risk().pk}/reopen/")
        if name == "risk-reopen-error":
            send(page, "Reopen the risk")
    elif name == "restore-error":
        open_page(page, "restore")
        send(page, "Restore this revision")
    elif name == "risk-dependencies-error":
        page.goto(f"/risks/{adequate_funding().pk}/dependencies/")
        send(page, "Add the dependency")
    elif name == "risk-partners":
        page.goto(f"/panel/risks/{adequate_funding().pk}/partners/")
    elif name in ("panel-answer", "panel-answer-error"):
        page.goto(f"/panel/{panel_question().pk}/answer/")
        if name == "panel-answer-error":
            send(page, "Save the answer")
    elif name in ("panel-item-edit", "panel-item-edit-error"):
        page.goto(f"/panel/{panel_question().pk}/edit/")
        if name == "panel-item-edit-error":
            page.get_by_label("What the panel asked, requested or resolved").fill("")
            send(page, "Save")
    elif name == "deep-dive-new":
        page.goto("/panel/deep-dives/new/")
    elif name == "published-restricted":
        publication = published_september()
        page.goto(f"/published/{publication.paper_id}/v{publication.version}/restricted/")
    elif name == "not-found":
        page.goto("/risks/999999/")
        page.get_by_role("heading", name="Page not found").wait_for()
    elif name == "forbidden":
        page.goto("/settings/")  # the risk manager's pages: not for SMT editors
    elif name == "paper-restart":
        page.goto(f"/papers/{september_paper().pk}/start-again/")
    elif name == "paper-preview-restricted":
        page.goto(f"/papers/{september_paper().pk}/preview/restricted/")
    elif name == "settings-organisation-error":
        page.goto("/settings/organisation/")
        page.get_by_label("Name", exact=True).fill("")
        send(page, "Save")
    elif name == "settings-entry-new-error":
        page.goto("/settings/categories/new/")
        send(page, "Save")
    elif name == "settings-entry-edit-error":
        page.goto(f"/settings/levers/{lever_in_use().pk}/")
        page.get_by_label("Name", exact=True).fill("")
        send(page, "Save")
    elif name == "settings-appetite":
        from organisation.models import RiskCategory

        page.goto(f"/settings/appetite/{RiskCategory.objects.get(key='financial').pk}/")
    elif name == "locked-out":
        page.goto("/accounts/login/")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            page.get_by_label("Username").fill("author")
            page.get_by_label("Password").fill("not-the-password")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
        page.get_by_role("heading", name="Too many failed sign-ins").wait_for()
    else:
        raise ValueError(f"Unknown page type: {name}")
    # The heading or alert a page type waits for can be in the DOM before the
    # style sheets have loaded: measured then, a textarea or select is its
    # unstyled width (a false "scrolls sideways at 320 px"). "load" waits for them.
    page.wait_for_load_state("load")
    return page
