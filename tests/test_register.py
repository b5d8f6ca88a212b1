"""The register page: who may see it, its rows, filters, heat map and query count."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from controls.models import Control
from riskregister.tracking import save_tracked
from risks import services
from risks.models import Owner, Risk, band_for
from tests.factories import make_risk

REGISTER = reverse("risks:register")


def refs(response):
    return [row.ref for row in response.context["risks"]]


def expected_refs(queryset):
    return list(queryset.values_list("ref", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["risks:register", "risks:export_csv", "risks:export_xlsx"])
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_register_and_exports_refuse_other_methods(client_for, url_name, method):
    response = getattr(client_for("smt"), method)(reverse(url_name))
    assert response.status_code == 405


@pytest.mark.django_db
def test_every_open_risk_in_natural_ref_order_with_its_columns(client_for):
    response = client_for("author").get(REGISTER)
    assert refs(response) == expected_refs(Risk.objects.open())
    assert refs(response)[:5] == ["1", "2a", "2b", "3", "4"]
    assert "15 risks match." in response.text
    funding = Risk.objects.get(title="Adequate funding")
    row = re.search(r'<tr>\s*<th scope="row">4</th>(.*?)</tr>', response.text, re.S).group(1)
    assert '<span class="trend__glyph" aria-hidden="true">↔</span> No change' in row
    assert f'<a href="{reverse("risks:detail", args=[funding.pk])}">Adequate funding</a>' in row
    assert unescape(funding.description) in unescape(row)
    assert funding.owner_names in row
    assert '20 <span class="band band--high">High</span>' in row


@pytest.mark.django_db
def test_every_filter_has_a_label(client_for):
    response = client_for("smt").get(REGISTER)
    for name in ("q", "owner", "trend", "band", "lever", "status", "likelihood", "impact"):
        assert f'<label class="label" for="id_{name}">' in response.text, name
        assert f'id="id_{name}"' in response.text
    assert '<form method="get" action="/risks/"' in response.text


@pytest.mark.django_db
def test_filter_by_owner(client_for):
    owner = Owner.objects.get(name="Paul Wylie")
    response = client_for("smt").get(REGISTER, {"owner": owner.pk})
    assert refs(response) == expected_refs(Risk.objects.open().filter(owners=owner))
    assert len(refs(response)) == 8 and f"{len(refs(response))} risks match." in response.text


@pytest.mark.django_db
def test_filter_by_trend(client_for):
    response = client_for("smt").get(REGISTER, {"trend": "fluctuating"})
    assert refs(response) == expected_refs(Risk.objects.open().filter(trend="fluctuating"))
    assert "1" in refs(response) and "4" not in refs(response)


@pytest.mark.django_db
@pytest.mark.parametrize("band", ["high", "medium", "low"])
def test_filter_by_band(client_for, band):
    response = client_for("smt").get(REGISTER, {"band": band})
    expected = [risk.ref for risk in Risk.objects.open() if band_for(risk.current_score)[0] == band]
    assert refs(response) == expected
    assert all(row.band == band for row in response.context["risks"])


@pytest.mark.django_db
@pytest.mark.parametrize("lever", ["oversight", "convening", "direct_delivery"])
def test_filter_by_lever_used_by_controls(client_for, lever):
    response = client_for("smt").get(REGISTER, {"lever": lever})
    expected = expected_refs(Risk.objects.open().filter(pk__in=Control.objects.filter(lever=lever).values("risk")))
    assert refs(response) == expected and expected


@pytest.mark.django_db
def test_status_defaults_to_open_and_closed_risks_can_be_listed(client_for, users):
    funding = Risk.objects.get(title="Adequate funding")
    services.close_risk(risk_id=funding.pk, expected_version=funding.version, user=users["smt"], reason="Merged")
    client = client_for("smt")
    assert "4" not in refs(client.get(REGISTER))
    response = client.get(REGISTER, {"status": "closed"})
    assert refs(response) == ["4"]
    assert '<span class="tag">Closed</span>' in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("query,expected", [
    ("funding", ["4"]),            # title
    ("MOJ", ["8"]),                # a control's name
    ("knife crime", None),         # words anywhere, each must match
    ("NPCC", ["4"]),               # a control's name, any case
    ("zzz-nothing", []),
])
def test_text_search_over_title_description_and_controls(client_for, query, expected):
    response = client_for("smt").get(REGISTER, {"q": query})
    if expected is None:
        expected = [risk.ref for risk in Risk.objects.open().prefetch_related("controls") if all(
            word.lower() in " ".join([risk.title, risk.description] + [f"{c.name} {c.description}" for c in risk.controls.all()]).lower()
            for word in query.split()
        )]
    assert refs(response) == expected
    if not expected:
        assert "No risks match these filters." in response.text and "0 risks match." in response.text


@pytest.mark.django_db
def test_filters_combine_and_the_url_is_bookmarkable(client_for):
    client = client_for("smt")
    response = client.get(REGISTER + "?trend=no_change&band=medium&lever=convening")
    expected = [
        risk.ref for risk in Risk.objects.open().filter(trend="no_change", controls__lever="convening").distinct()
        if band_for(risk.current_score)[0] == "medium"
    ]
    assert refs(response) == expected
    # The form shows the chosen values, so the page can be bookmarked and changed.
    assert '<option value="no_change" selected>' in response.text
    assert '<option value="medium" selected>' in response.text
    assert "trend=no_change&amp;band=medium&amp;lever=convening" in response.text  # export links carry the query


@pytest.mark.django_db
@pytest.mark.parametrize("params,field,message", [
    ({"owner": "999999"}, "owner", "Choose an owner from the list."),
    ({"owner": "abc"}, "owner", "Choose an owner from the list."),
    ({"band": "extreme"}, "band", "Choose a score band from the list."),
    ({"likelihood": "9"}, "likelihood", "Choose a likelihood from 1 to 5."),
    ({"impact": "x"}, "impact", "Choose an impact from 1 to 5."),
    ({"status": "deleted"}, "status", "Choose open or closed from the list."),
    ({"trend": "sideways"}, "trend", "Choose a trend from the list."),
    ({"lever": "magic"}, "lever", "Choose a lever from the list."),
    ({"q": "x" * 201}, "q", "Search for at most 200 characters."),
])
def test_invalid_filter_values_give_a_message_not_an_error(client_for, params, field, message):
    response = client_for("smt").get(REGISTER, params)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert f'id="id_{field}_error"' in response.text
    assert f'<span class="visually-hidden">Error:</span> {message}</p>' in response.text
    assert "Correct the filters above" in response.text
    assert response.context["risks"] == []
    export = client_for("smt").get(reverse("risks:export_csv"), params)
    assert export.status_code == 400


@pytest.mark.django_db
def test_user_text_is_escaped(client_for, users):
    make_risk("20", user=users["smt"], title="<script>alert(1)</script>", description="<b>bold</b>")
    response = client_for("smt").get(REGISTER)
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text and "&lt;b&gt;bold&lt;/b&gt;" in response.text


HEAT_LINK = re.compile(r'<a href="/risks/\?([^"]*)"(?: aria-current="true")?>\s*<span class="heat-map__count">(\d+)</span>')


@pytest.mark.django_db
def test_heat_map_cells_count_and_link_to_their_risks(client_for):
    client = client_for("smt")
    response = client.get(REGISTER)
    assert '<caption id="heat-map-caption">Heat map: number of risks by current likelihood and impact (15 in all)' in response.text
    assert response.text.count('<th scope="row">Likelihood') == 5 and response.text.count('<th scope="col">Impact') == 5
    cells = HEAT_LINK.findall(response.text)
    assert len(cells) == 25
    for query, count in cells:
        query = unescape(query)
        params = dict(pair.split("=") for pair in query.split("&"))
        expected = expected_refs(Risk.objects.open().filter(
            current_likelihood=params["likelihood"], current_impact=params["impact"]))
        assert int(count) == len(expected)
        followed = client.get(f"{REGISTER}?{query}")
        assert refs(followed) == expected
    assert sum(int(count) for _, count in cells) == 15


@pytest.mark.django_db
def test_heat_map_keeps_the_other_filters_and_marks_the_chosen_cell(client_for):
    owner = Owner.objects.get(name="Paul Wylie")
    response = client_for("smt").get(REGISTER, {"owner": owner.pk, "likelihood": "3", "impact": "4"})
    assert refs(response) == expected_refs(Risk.objects.open().filter(owners=owner, current_likelihood=3, current_impact=4))
    cells = HEAT_LINK.findall(response.text)
    assert all(f"owner={owner.pk}" in query for query, _ in cells)
    # The map counts all the owner's risks, whatever cell is chosen.
    assert sum(int(count) for _, count in cells) == Risk.objects.open().filter(owners=owner).count()
    assert response.text.count('aria-current="true"') == 1
    assert "in the chosen heat-map cell" in response.text


@pytest.mark.django_db
def test_heat_map_is_legible_without_colour(client_for):
    response = client_for("smt").get(REGISTER)
    for label in ("High", "Medium", "Low"):
        assert f", {label}</span>" in response.text  # each cell names its score and band in words
    assert '<span class="heat-map__band">Score 25, High</span>' in response.text
    assert "style=" not in response.text  # CSP: no inline styles


def grow_register(user, count):
    owner = Owner.objects.get(name="Paul Wylie")
    for number in range(100, 100 + count):
        risk = make_risk(str(number), user=user, owners=[owner])
        for position, lever in enumerate(["oversight", "convening", "direct_delivery"]):
            save_tracked(Control(risk=risk, description=f"Control {position}", lever=lever, position=position),
                                  user=user, reason="Test control")


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["risks:register", "risks:export_csv", "risks:export_xlsx"])
def test_query_count_does_not_grow_with_the_register(client_for, users, django_assert_num_queries, url_name):
    client = client_for("smt")
    url = reverse(url_name) + "?lever=convening"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    grow_register(users["smt"], 30)
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert response.status_code == 200
    if url_name == "risks:register":
        assert len(response.context["risks"]) == Risk.objects.open().filter(controls__lever="convening").distinct().count()
