"""The risk manager's settings pages (issue 17, item 1): the organisation's name, the score
bands as a set, levers, categories and the appetite scale, the appetite per category, and
the settings' history. Who may open which URL is in tests/test_access_matrix.py."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from controls.models import Control
from organisation.current import current
from organisation.models import AppetiteLevel, CategoryAppetite, Lever, Organisation, RiskCategory, ScoreBand
from organisation.services import BandChange, band_versions, save_bands, save_setting, set_appetite, uses
from organisation.stylesheet import digest
from reports.rendering import gather, render_html
from riskregister.history_chain import first_broken_link
from risks.models import Risk
from tests.factories import funding, september_paper

pytestmark = pytest.mark.django_db

REASON = "Agreed by the SMT on 1 December"
HEAT_MAP = "/risks/"  # the register page carries the heat map


def page_urls():
    lever, category = Lever.objects.order_by("pk").first(), RiskCategory.objects.get(key="financial")
    return [
        reverse("organisation:index"), reverse("organisation:organisation"), reverse("organisation:bands"),
        reverse("organisation:entries", args=["levers"]), reverse("organisation:entries", args=["categories"]),
        reverse("organisation:entries", args=["scale"]), reverse("organisation:entry_create", args=["categories"]),
        reverse("organisation:entry_edit", args=["levers", lever.pk]),
        reverse("organisation:entry_delete", args=["levers", lever.pk]),
        reverse("organisation:appetites"), reverse("organisation:appetite_edit", args=[category.pk]),
        reverse("organisation:history"),
    ]


# Who may open them ---------------------------------------------------------------------

@pytest.mark.parametrize("username", ["author", "admin"])
def test_the_risk_manager_and_superusers_open_every_page(client_for, username):
    client = client_for(username)
    for url in page_urls():
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("username", ["smt", "panel"])
def test_other_roles_are_refused(client_for, username):
    client = client_for(username)
    for url in page_urls():
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"reason": "x"}).status_code in (403, 405), url


def test_anonymous_visitors_are_sent_to_sign_in(client_for):
    client = client_for(None)
    for url in [*page_urls(), reverse("organisation:bands_css")]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_wrong_methods_are_refused(client_for):
    client = client_for("author")
    for url in page_urls():
        assert client.put(url).status_code == 405, url
        assert client.delete(url).status_code == 405, url
    for url in (reverse("organisation:index"), reverse("organisation:history"), reverse("organisation:appetites"),
                reverse("organisation:bands_css"), reverse("organisation:entries", args=["levers"])):
        assert client.post(url).status_code == 405, url


def test_an_unknown_list_is_not_found(client_for):
    assert client_for("author").get("/settings/colours/").status_code == 404


def test_the_header_links_to_the_settings_for_the_risk_manager_only(client_for):
    assert 'href="/settings/"' in client_for("author").get("/").content.decode()
    assert 'href="/settings/"' not in client_for("smt").get("/").content.decode()


# The organisation ----------------------------------------------------------------------

def test_renaming_the_organisation_leaves_a_revision(client_for, users):
    client = client_for("author")
    organisation = Organisation.objects.get()
    response = client.post(reverse("organisation:organisation"), {
        "name": "Mayor's Office for Policing and Crime (London)", "short_name": "MOPAC-L",
        "reason": REASON, "version": organisation.version})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.short_name == "MOPAC-L" and organisation.version == 2
    revision = organisation.history.first()
    assert (revision.history_user, revision.history_change_reason) == (users["author"], REASON)
    assert "MOPAC-L risk register" in client.get("/").content.decode()


def test_a_stale_organisation_form_is_a_conflict(client_for):
    client = client_for("author")
    organisation = Organisation.objects.get()
    data = {"name": "First", "short_name": "ONE", "reason": REASON, "version": organisation.version}
    assert client.post(reverse("organisation:organisation"), data).status_code == 302
    response = client.post(reverse("organisation:organisation"), {**data, "name": "Second", "short_name": "TWO"})
    assert response.status_code == 200
    assert "Someone else changed this since you opened it" in response.content.decode()
    assert 'value="Second"' in response.content.decode()
    assert Organisation.objects.get().name == "First"


def test_an_empty_name_is_refused(client_for):
    response = client_for("author").post(reverse("organisation:organisation"), {
        "name": "", "short_name": "", "reason": "", "version": 1})
    text = response.content.decode()
    assert "Enter the organisation&#x27;s name." in text and "Give a reason for the change." in text
    assert "There is a problem" in text


# Score bands ---------------------------------------------------------------------------

def bands_post(rows=None, *, extra=(), reason=REASON, versions=None):
    """The bands page as posted: `rows` {key: changes} over the stored bands (None: delete it)."""
    rows = rows or {}
    stored = list(ScoreBand.objects.order_by("-lowest"))
    data = {"reason": reason, "versions": band_versions(stored) if versions is None else versions,
            "bands-INITIAL_FORMS": len(stored), "bands-MIN_NUM_FORMS": 0, "bands-MAX_NUM_FORMS": 10}
    forms = []
    for band in stored:
        values = {"id": band.pk, "label": band.label, "lowest": band.lowest, "highest": band.highest,
                  "colour": band.colour, "pattern": band.pattern}
        change = rows.get(band.key, {})
        if change is None:
            values["DELETE"] = "on"
        else:
            values.update(change)
        forms.append(values)
    forms.extend(extra)
    for index, values in enumerate(forms):
        data.update({f"bands-{index}-{name}": value for name, value in values.items()})
    data["bands-TOTAL_FORMS"] = len(forms)
    return data


def post_bands(client, data):
    return client.post(reverse("organisation:bands"), data)


def test_the_bands_page_shows_every_band_and_an_empty_row(client_for):
    text = client_for("author").get(reverse("organisation:bands")).content.decode()
    for label in ("High", "Medium", "Low"):
        assert f'value="{label}"' in text
    assert "New band" in text and "4.5:1" in text


def test_changing_the_medium_range_moves_the_register_with_it(client_for, users):
    client = client_for("author")
    response = post_bands(client, bands_post({"medium": {"highest": 9}, "high": {"lowest": 10}}))
    assert response.status_code == 302
    medium = ScoreBand.objects.get(key="medium")
    assert (medium.lowest, medium.highest, medium.version) == (8, 9, 2)
    revision = medium.history.first()
    assert (revision.history_user, revision.history_change_reason) == (users["author"], REASON)
    assert ScoreBand.objects.get(key="low").history.count() == 1  # unchanged: no revision
    # Risks scored 10 or 12 were Medium and are now High: in the register's labels and its filter.
    scores = {risk.pk: risk.current_score for risk in Risk.objects.open()}
    moved = {pk for pk, score in scores.items() if 10 <= score <= 12}
    assert moved
    rows = client_for("smt").get("/risks/").context["risks"]
    assert {row.band_label for row in rows if row.pk in moved} == {"High"}
    filtered = client_for("smt").get("/risks/?band=medium").context["risks"]
    assert {row.pk for row in filtered} == {pk for pk, score in scores.items() if 8 <= score <= 9}
    high = client_for("smt").get("/risks/?band=high").context["risks"]
    assert moved <= {row.pk for row in high}


def test_a_gap_is_named(client_for):
    response = post_bands(client_for("author"), bands_post({"medium": {"highest": 12}}))
    assert response.status_code == 200
    assert "No band covers scores 13 to 14" in response.content.decode()
    assert ScoreBand.objects.get(key="medium").highest == 14  # nothing saved


def test_a_single_uncovered_score_is_named(client_for):
    response = post_bands(client_for("author"), bands_post({"low": {"lowest": 2}}))
    assert "No band covers score 1:" in response.content.decode()


def test_an_overlap_is_named(client_for):
    response = post_bands(client_for("author"), bands_post({"medium": {"highest": 16}}))
    assert "Medium and High both cover scores 15 to 16" in response.content.decode()


def test_lowest_above_highest_is_refused(client_for):
    response = post_bands(client_for("author"), bands_post({"medium": {"lowest": 14, "highest": 8}}))
    assert "Medium: the lowest score (14) is above the highest (8)." in response.content.decode()


def test_a_colour_too_faint_on_white_is_refused_by_the_field(client_for):
    response = post_bands(client_for("author"), bands_post({"medium": {"colour": "#ffcc00"}}))
    text = response.content.decode()
    assert "contrasts only 1.5:1 with white" in text and "at least 4.5:1 (WCAG 1.4.3)" in text
    assert 'value="#ffcc00"' in text  # what the user typed is kept
    assert "<legend>Band 1: High</legend>" in text and "<legend>Band 2: Medium</legend>" in text
    assert ScoreBand.objects.get(key="medium").colour == "#8a5a00"


@pytest.mark.parametrize("colour", ["red", "#12345", "#gggggg"])
def test_a_colour_that_is_not_hex_is_refused(client_for, colour):
    response = post_bands(client_for("author"), bands_post({"medium": {"colour": colour}}))
    assert "Enter a colour as # and six hexadecimal digits" in response.content.decode()


@pytest.mark.parametrize("lowest", ["0", "26", "x"])
def test_a_score_outside_1_to_25_is_refused(client_for, lowest):
    response = post_bands(client_for("author"), bands_post({"low": {"lowest": lowest}}))
    assert "Enter a score from 1 to 25." in response.content.decode()


def test_labels_must_differ(client_for):
    response = post_bands(client_for("author"), bands_post({"medium": {"label": "high"}}))
    assert "Two bands are called" in response.content.decode()


def test_a_repeated_label_is_named_next_to_its_field(client_for):
    response = post_bands(client_for("author"), bands_post({"medium": {"label": "high "}}))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Band 2, label: Two bands are called “high”" in text  # in the summary, linked to the field
    assert 'value="high "' in text or 'value="high"' in text  # what the user typed is kept
    assert ScoreBand.objects.get(key="medium").label == "Medium"


def test_two_labels_are_swapped_in_one_save(client_for, users):
    client = client_for("author")
    before = {band.key: band.history.count() for band in ScoreBand.objects.all()}
    response = post_bands(client, bands_post({"high": {"label": "Medium"}, "medium": {"label": "High"}},
                                             reason="Labels the wrong way round"))
    assert response.status_code == 302
    high, medium = ScoreBand.objects.get(key="high"), ScoreBand.objects.get(key="medium")
    assert (high.label, medium.label) == ("Medium", "High")
    assert (high.version, medium.version) == (2, 2)
    for band in (high, medium):
        # One revision each, with the final label: no placeholder is ever recorded.
        assert band.history.count() == before[band.key] + 1
        revision = band.history.first()
        assert (revision.label, revision.history_user, revision.history_change_reason) == (
            band.label, users["author"], "Labels the wrong way round")
    assert ScoreBand.objects.get(key="low").history.count() == before["low"]
    assert not ScoreBand.history.filter(label__startswith="(renaming").exists()
    assert first_broken_link(ScoreBand.history.model) is None  # verify_history's check
    assert current().band_for(25).label == "Medium"


def test_labels_are_rotated_and_a_new_band_takes_a_freed_label(client_for):
    client = client_for("author")
    new = {"label": "Low", "lowest": 1, "highest": 2, "colour": "#1d6b33", "pattern": "dotted"}
    response = post_bands(client, bands_post({"high": {"label": "Medium"}, "medium": {"label": "Minor"},
                                              "low": {"label": "High", "lowest": 3}}, extra=[new]))
    assert response.status_code == 302
    assert {band.key: band.label for band in ScoreBand.objects.all()} == {
        "high": "Medium", "medium": "Minor", "low": "High", "low_2": "Low"}


def test_a_band_is_added_with_a_key_from_its_label_and_one_removed(client_for, users):
    client = client_for("author")
    new = {"label": "Very high", "lowest": 20, "highest": 25, "colour": "#6d1a36", "pattern": "double"}
    assert post_bands(client, bands_post({"high": {"highest": 19}}, extra=[new])).status_code == 302
    band = ScoreBand.objects.get(label="Very high")
    assert band.key == "very_high" and band.history.get().history_user == users["author"]
    assert current().band_for(22).label == "Very high"
    # Removing it again: High takes its scores back; the removal is a revision.
    response = post_bands(client, bands_post({"very_high": None, "high": {"highest": 25}}, reason="Too many bands"))
    assert response.status_code == 302
    assert not ScoreBand.objects.filter(key="very_high").exists()
    removal = ScoreBand.history.filter(key="very_high").first()
    assert (removal.history_type, removal.history_change_reason) == ("-", "Too many bands")


def test_a_renamed_band_keeps_its_key(client_for):
    assert post_bands(client_for("author"), bands_post({"medium": {"label": "Moderate"}})).status_code == 302
    assert ScoreBand.objects.get(key="medium").label == "Moderate"


def test_bands_changed_meanwhile_are_a_conflict(client_for):
    client = client_for("author")
    stale = bands_post({"medium": {"highest": 12}, "high": {"lowest": 13}})
    assert post_bands(client, bands_post({"medium": {"colour": "#7a4f00"}})).status_code == 302
    response = post_bands(client, stale)
    text = response.content.decode()
    assert response.status_code == 200 and "Someone else changed the score bands" in text
    assert "The bands now" in text
    assert ScoreBand.objects.get(key="medium").highest == 14
    # The page now carries the current versions: saving again works.
    assert f'value="{band_versions(ScoreBand.objects.all())}"' in text


def test_saving_without_a_reason_is_refused(client_for):
    response = post_bands(client_for("author"), bands_post({"medium": {"highest": 12}, "high": {"lowest": 13}},
                                                           reason=""))
    assert "Give a reason for the change." in response.content.decode()
    assert ScoreBand.objects.get(key="medium").highest == 14


def test_every_problem_on_the_bands_page_is_reported_at_once(client_for):
    response = post_bands(client_for("author"), bands_post({"medium": {"colour": "#ffcc00"}}, reason=""))
    text = response.content.decode()
    assert "Give a reason for the change." in text and "contrasts only 1.5:1 with white" in text
    assert ScoreBand.objects.get(key="medium").highest == 14


# The bands' stylesheet -----------------------------------------------------------------

def test_the_stylesheet_follows_the_bands_and_is_cached_by_its_address(client_for):
    client = client_for("smt")
    page = client.get("/").content.decode()
    bands = current().bands
    url = f"/settings/bands.css?v={digest(bands)}"
    assert f'href="{url}"' in page
    response = client.get(url)
    css = response.content.decode()
    assert response["Content-Type"].startswith("text/css")
    assert ".band--medium { color: #8a5a00; border: 2px dashed #8a5a00; }" in css
    assert ".heat-map td.heat-map__cell--high { background: #f4dedd; border: 3px solid #b3261e; }" in css
    assert "max-age=31536000" in response["Cache-Control"] and response["ETag"] == f'"{digest(bands)}"'
    assert client.get(url, headers={"If-None-Match": response["ETag"]}).status_code == 304
    # After a change the pages link to a new address, whose sheet has the new colour.
    assert post_bands(client_for("author"), bands_post({"medium": {"colour": "#7a4f00", "pattern": "double"}})).status_code == 302
    page = client_for("smt").get("/").content.decode()
    new_url = f"/settings/bands.css?v={digest(current().bands)}"
    assert new_url != url and f'href="{new_url}"' in page
    assert ".band--medium { color: #7a4f00; border: 3px double #7a4f00; }" in client.get(new_url).content.decode()
    # An old address is answered with today's sheet, not to be kept.
    assert "no-cache" in client.get(url)["Cache-Control"]


def test_the_register_heat_map_dashboard_and_risk_page_show_bands(client_for):
    client = client_for("smt")
    for url in ("/risks/", "/", f"/risks/{funding().pk}/"):
        assert 'class="band band--high"' in client.get(url).content.decode(), url
    assert "heat-map__cell heat-map__cell--high" in client.get(HEAT_MAP).content.decode()


# Levers, categories, the appetite scale -----------------------------------------------

def test_a_category_is_added_with_a_key_made_from_its_name(client_for, users):
    client = client_for("author")
    response = client.post(reverse("organisation:entry_create", args=["categories"]), {
        "label": "Cyber security & data", "description": "Attacks on our systems.", "position": 20,
        "reason": REASON})
    assert response.status_code == 302
    category = RiskCategory.objects.get(label="Cyber security & data")
    assert category.key == "cyber_security_data" and category.active
    assert category.history.get().history_user == users["author"]
    # The same name again is refused; a similar one gets a key of its own.
    response = client.post(reverse("organisation:entry_create", args=["categories"]), {
        "label": "Cyber security & data", "position": 21, "reason": REASON})
    assert "Another category already has this name." in response.content.decode()
    client.post(reverse("organisation:entry_create", args=["categories"]), {
        "label": "Cyber security data", "position": 21, "reason": REASON})
    assert RiskCategory.objects.get(label="Cyber security data").key == "cyber_security_data_2"


@pytest.mark.parametrize("label", ["Money; budgets", "Money / budgets"])
def test_a_name_cannot_hold_a_list_separator(client_for, label):
    response = client_for("author").post(reverse("organisation:entry_create", args=["categories"]), {
        "label": label, "position": 20, "reason": REASON})
    assert response.status_code == 200
    assert "Use a name without “;” or “ / ”" in response.content.decode()
    assert not RiskCategory.objects.filter(label=label).exists()


def test_a_lever_renamed_while_controls_use_it_is_followed_by_them(client_for, users, paper):
    control = Control.objects.exclude(lever="").select_related("risk").first()
    lever = Lever.objects.get(key=control.lever)
    client = client_for("author")
    response = client.post(reverse("organisation:entry_edit", args=["levers", lever.pk]), {
        "label": "Holding partners to account", "description": lever.description, "position": lever.position,
        "active": "on", "reason": REASON, "version": lever.version})
    assert response.status_code == 302
    lever.refresh_from_db()
    assert lever.key == control.lever  # the key never changes
    revision = lever.history.first()
    assert revision.prev_record.label != "Holding partners to account"
    assert (revision.history_user, revision.history_change_reason) == (users["author"], REASON)
    assert "Holding partners to account" in client_for("smt").get(f"/risks/{control.risk_id}/").content.decode()
    assert "Holding partners to account" in render_html(gather(september_paper(), restricted=True))


def test_retiring_and_reactivating(client_for):
    client = client_for("author")
    level = AppetiteLevel.objects.get(key="eager")
    data = {"label": level.label, "description": level.description, "position": level.position,
            "reason": "Not used by this organisation", "version": level.version}
    assert client.post(reverse("organisation:entry_edit", args=["scale", level.pk]), data).status_code == 302
    assert not AppetiteLevel.objects.get(key="eager").active
    assert "Retired" in client.get(reverse("organisation:entries", args=["scale"])).content.decode()
    data.update(active="on", version=level.version + 1, reason="Back in use")
    assert client.post(reverse("organisation:entry_edit", args=["scale", level.pk]), data).status_code == 302
    assert AppetiteLevel.objects.get(key="eager").active


def test_a_stale_entry_form_is_a_conflict(client_for):
    client = client_for("author")
    lever = Lever.objects.get(key="convening")
    data = {"label": "Convening", "position": 2, "active": "on", "reason": REASON, "version": lever.version}
    assert client.post(reverse("organisation:entry_edit", args=["levers", lever.pk]), data).status_code == 302
    response = client.post(reverse("organisation:entry_edit", args=["levers", lever.pk]), {**data, "label": "Other"})
    assert "Someone else changed this since you opened it" in response.content.decode()
    assert Lever.objects.get(key="convening").label == "Convening"


def test_a_category_in_use_cannot_be_deleted(client_for):
    category = funding().category
    used = Risk.objects.filter(category=category).count() + Risk.objects.filter(
        secondary_categories=category).exclude(category=category).count()
    client = client_for("author")
    url = reverse("organisation:entry_delete", args=["categories", category.pk])
    message = f"{category.label} is used by {used} risk{'s' if used != 1 else ''}: retire it instead."
    assert message in client.get(url).content.decode()
    response = client.post(url, {"reason": "Not needed", "version": category.version})
    assert message in response.content.decode()
    assert RiskCategory.objects.filter(pk=category.pk).exists()


def test_a_category_with_an_appetite_or_a_level_in_use_cannot_be_deleted(client_for):
    client = client_for("author")
    operations = RiskCategory.objects.get(key="operations")
    risks = Risk.objects.filter(category=operations).count()
    assert risks > 1
    assert f"Operations is used by {risks} risks and 1 appetite: retire it instead." in client.get(
        reverse("organisation:entry_delete", args=["categories", operations.pk])).content.decode()
    cautious = AppetiteLevel.objects.get(key="cautious")
    response = client.post(reverse("organisation:entry_delete", args=["scale", cautious.pk]),
                           {"reason": "Not needed", "version": cautious.version})
    assert "Cautious is used by 2 appetites: retire it instead." in response.content.decode()


def test_a_lever_used_by_controls_cannot_be_deleted(client_for):
    control = Control.objects.exclude(lever="").first()
    lever = Lever.objects.get(key=control.lever)
    count = Control.objects.filter(lever=lever.key).count()
    response = client_for("author").post(reverse("organisation:entry_delete", args=["levers", lever.pk]),
                                         {"reason": "Not needed", "version": lever.version})
    assert f"{lever.label} is used by {count} control" in response.content.decode()


def test_an_unused_category_is_deleted_with_a_revision(client_for, users):
    category = next(category for category in RiskCategory.objects.all() if not uses(category))
    client = client_for("author")
    response = client.post(reverse("organisation:entry_delete", args=["categories", category.pk]),
                           {"reason": "We have no commercial activity", "version": category.version})
    assert response.status_code == 302
    assert not RiskCategory.objects.filter(pk=category.pk).exists()
    removal = RiskCategory.history.filter(key=category.key).first()
    assert (removal.history_type, removal.history_user, removal.history_change_reason) == (
        "-", users["author"], "We have no commercial activity")


# Appetite per category -----------------------------------------------------------------

def appetite_post(**overrides):
    data = {"level": AppetiteLevel.objects.get(key="cautious").pk, "tolerance": 12,
            "statement": "We accept little financial risk.", "approved_by": "Audit Panel",
            "approved_on": "2017-12-12", "reason": REASON}
    data.update(overrides)
    return data


def test_the_appetite_list_shows_every_active_category(client_for):
    text = client_for("author").get(reverse("organisation:appetites")).content.decode()
    for category in RiskCategory.objects.filter(active=True):
        assert category.label in text
    assert "Not set" in text and "up to 12" in text


def test_setting_the_financial_appetite_puts_adequate_funding_outside(client_for, users):
    financial = RiskCategory.objects.get(key="financial")
    assert funding().category == financial
    response = client_for("author").post(reverse("organisation:appetite_edit", args=[financial.pk]), appetite_post())
    assert response.status_code == 302
    appetite = CategoryAppetite.objects.get(category=financial)
    assert (appetite.level.key, appetite.tolerance) == ("cautious", 12)
    assert (appetite.history.get().history_user, appetite.history.get().history_change_reason) == (users["author"], REASON)
    assert funding().pk in {risk.pk for risk in client_for("smt").get("/risks/?appetite=outside").context["risks"]}


@pytest.mark.parametrize("tolerance", ["0", "26"])
def test_a_tolerance_outside_1_to_25_is_refused(client_for, tolerance):
    financial = RiskCategory.objects.get(key="financial")
    response = client_for("author").post(reverse("organisation:appetite_edit", args=[financial.pk]),
                                         appetite_post(tolerance=tolerance))
    text = response.content.decode()
    assert "Enter a score from 1 to 25." in text and f'value="{tolerance}"' in text
    assert not CategoryAppetite.objects.filter(category=financial).exists()


@pytest.mark.parametrize("approved_on, message", [
    ((timezone.localdate() + timedelta(days=1)).isoformat(), "cannot be in the future"),
    ("1899-01-01", "Enter a date from"),
    ("2017-02-30", "Enter a real date"),
])
def test_an_implausible_approval_date_is_refused(client_for, approved_on, message):
    financial = RiskCategory.objects.get(key="financial")
    response = client_for("author").post(reverse("organisation:appetite_edit", args=[financial.pk]),
                                         appetite_post(approved_on=approved_on))
    assert message in response.content.decode()


def test_a_stale_appetite_form_is_a_conflict(client_for, users):
    operations = RiskCategory.objects.get(key="operations")
    appetite = CategoryAppetite.objects.get(category=operations)
    client = client_for("author")
    url = reverse("organisation:appetite_edit", args=[operations.pk])
    assert client.post(url, appetite_post(version=appetite.version, tolerance=10)).status_code == 302
    response = client.post(url, appetite_post(version=appetite.version, tolerance=14))
    assert "Someone else changed this since you opened it" in response.content.decode()
    assert CategoryAppetite.objects.get(category=operations).tolerance == 10
    # A page that showed no appetite, where one was set meanwhile, is a conflict too.
    financial = RiskCategory.objects.get(key="financial")
    set_appetite(category=financial, level=AppetiteLevel.objects.get(key="open"), statement="Set meanwhile.",
                 tolerance=16, approved_by="Audit Panel", approved_on=date(2017, 6, 20), user=users["admin"],
                 reason="Meanwhile")
    response = client.post(reverse("organisation:appetite_edit", args=[financial.pk]), appetite_post())
    assert "Someone else changed this since you opened it" in response.content.decode()
    assert CategoryAppetite.objects.get(category=financial).tolerance == 16


# History -------------------------------------------------------------------------------

def test_the_history_lists_every_change_with_who_and_why(client_for, users):
    client = client_for("author")
    post_bands(client, bands_post({"medium": {"highest": 12}, "high": {"lowest": 13}}, reason="Narrower medium"))
    text = client.get(reverse("organisation:history")).content.decode()
    assert "Changed: Score band Medium (medium)" in text and "Highest score: 14 → 12" in text
    assert "Narrower medium" in text and users["author"].get_full_name() in text
    assert "The settings the register started with" in text
    assert text.index("Narrower medium") < text.index("The settings the register started with")


def test_the_history_runs_a_fixed_number_of_queries(client_for, django_assert_num_queries):
    client = client_for("author")
    url = reverse("organisation:history")
    client.get(url)
    with CaptureQueriesContext(connection) as few_changes:
        client.get(url)
    for number in range(30):
        lever = Lever.objects.get(key="oversight")
        lever.label = f"Oversight {number}"
        save_setting(lever, user=None, reason="Many changes")
    with django_assert_num_queries(len(few_changes.captured_queries)):
        response = client.get(url)
    assert "Oversight 29" in response.content.decode()


def test_the_history_is_paginated(client_for):
    for number in range(60):
        lever = Lever.objects.get(key="oversight")
        lever.label = f"Oversight {number}"
        save_setting(lever, user=None, reason="Many changes")
    client = client_for("author")
    first = client.get(reverse("organisation:history")).content.decode()
    assert "Older changes" in first and "Oversight 59" in first
    later = client.get(reverse("organisation:history") + "?page=2").content.decode()
    assert "Newer changes" in later and "Oversight 59" not in later


# Query counts --------------------------------------------------------------------------

@pytest.mark.parametrize("name, args", [
    ("organisation:index", []), ("organisation:bands", []), ("organisation:entries", ["categories"]),
    ("organisation:appetites", []), ("organisation:bands_css", []),
])
def test_pages_run_a_fixed_number_of_queries(client_for, django_assert_max_num_queries, name, args):
    client = client_for("author")
    with django_assert_max_num_queries(12):
        assert client.get(reverse(name, args=args)).status_code == 200


# Hostile or odd input: a message, never a 500 ------------------------------------------

def test_a_broken_bands_form_is_a_message_not_an_error(client_for):
    client = client_for("author")
    response = client.post(reverse("organisation:bands"), {"reason": REASON, "versions": "garbage"})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    data = bands_post({"medium": {"label": "Mid\x00dle"}})
    assert "Remove the null character" in post_bands(client, data).content.decode()


def test_a_band_id_that_does_not_exist_is_a_conflict(client_for):
    data = bands_post()
    data["bands-1-id"] = 999999
    response = post_bands(client_for("author"), data)
    assert "Someone else changed the score bands" in response.content.decode()
    assert ScoreBand.objects.count() == 3


def test_a_name_without_a_leading_letter_still_gets_a_key(client_for):
    client_for("author").post(reverse("organisation:entry_create", args=["levers"]), {
        "label": "2nd line assurance", "position": 9, "reason": REASON})
    assert Lever.objects.get(label="2nd line assurance").key == "lever_2nd_line_assurance"


# The admin: read-only ------------------------------------------------------------------

def test_the_admin_shows_the_settings_but_changes_none(client_for):
    client = client_for("admin")
    band = ScoreBand.objects.get(key="medium")
    assert client.get(f"/admin/organisation/scoreband/{band.pk}/change/").status_code == 200
    data = {"key": "medium", "label": "Changed in the admin", "lowest": 8, "highest": 14, "colour": "#8a5a00",
            "pattern": "solid"}
    assert client.post(f"/admin/organisation/scoreband/{band.pk}/change/", data).status_code == 403
    revision = band.history.first()
    revert = f"/admin/organisation/scoreband/{band.pk}/history/{revision.history_id}/"
    assert client.get(revert).status_code == 200
    assert client.post(revert, data).status_code == 403
    assert ScoreBand.objects.get(key="medium").label == "Medium" and band.history.count() == 1


def test_a_band_added_meanwhile_is_a_conflict_even_with_the_empty_row_left_empty(client_for, users):
    stale = bands_post({"medium": {"highest": 9}, "high": {"lowest": 10}},
                       extra=[{"label": "", "lowest": "", "highest": "", "colour": "", "pattern": "solid"}])
    bands = list(ScoreBand.objects.all())
    changes = [BandChange(b.pk, b.label, b.lowest, 19 if b.key == "high" else b.highest, b.colour, b.pattern)
               for b in bands] + [BandChange(None, "Severe", 20, 25, "#6d1a36", "double")]
    save_bands(bands=changes, expected_versions=band_versions(bands), user=users["admin"], reason="Meanwhile")
    response = post_bands(client_for("author"), stale)
    assert "Someone else changed the score bands" in response.content.decode()
    assert ScoreBand.objects.get(key="medium").highest == 14
