"""Oversized posts get the site's own page saying what was too large and what
to do (413 for too many bytes, 400 for too many fields); the limits cover the
largest real forms."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from controls.forms import ControlFormSet
from reports.models import Paper
from risks.forms import OwnerFormSet
from risks.models import Risk
from tests.edit_helpers import new_risk_data
from tests.factories import funding

pytestmark = pytest.mark.django_db


def field_names(html):
    return set(re.findall(r'<(?:input|select|textarea|button)[^>]*\bname="([^"]+)"', html))


def test_a_post_over_the_size_limit_gets_the_site_page_with_a_413(client_for):
    description = "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = client_for("smt").post(reverse("risks:create"), new_risk_data(**{"risk-description": description}))
    assert response.status_code == 413
    text = response.text
    assert "What you sent is too large" in text and "Back button" in text and "Nothing was saved" in text
    assert 'class="site-nav"' in text  # the site's own page, with its frame
    assert not Risk.objects.filter(ref="15").exists()


def test_a_3_mb_description_is_refused_by_the_form_and_kept(client_for):
    description = "Failure to " + "x" * (3 * 1000 * 1000)
    response = client_for("smt").post(reverse("risks:create"), new_risk_data(**{"risk-description": description}))
    assert response.status_code == 200
    assert "Ensure this value has at most 2000 characters" in response.text and description in response.text
    assert not Risk.objects.filter(ref="15").exists()


def test_a_post_with_1500_fields_gets_the_site_page_with_a_400(client_for):
    risk = funding()
    data = {f"extra-{number}": "x" for number in range(1500)}
    response = client_for("smt").post(reverse("risks:edit", args=[risk.pk]), data)
    assert response.status_code == 400
    assert "The form sent too many fields" in response.text and "1000 fields" in response.text
    assert funding().version == risk.version


def test_the_largest_real_forms_fit_the_limits(client_for):
    risk = funding()
    client = client_for("smt")
    names = field_names(client.get(reverse("risks:edit", args=[risk.pk])).text)
    per_control = {name for name in names if name.startswith("controls-0-")}
    per_owner = {name for name in names if name.startswith("owners-0-")}
    others = {name for name in names if not re.match(r"(controls|owners)-\d+-", name)}
    most_fields = (len(others) + 4 + len(per_control) * ControlFormSet.absolute_max
                   + len(per_owner) * OwnerFormSet.absolute_max)
    assert len(per_control) >= 9 and most_fields <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    # The paper's edit page with every narrative field full, in four-byte characters, percent-encoded.
    paper = Paper.objects.get()
    longest = sum(Paper._meta.get_field(name).max_length for name in Paper.NARRATIVE_FIELDS)
    assert longest * 12 + 10_000 <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert client_for("author").get(reverse("reports:edit", args=[paper.pk])).status_code == 200
