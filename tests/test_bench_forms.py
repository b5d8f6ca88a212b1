"""The load test's users post back what a browser would (bench/html_forms.py): a
form read and sent unchanged saves nothing new, whatever characters it holds."""

import sys
from pathlib import Path

import pytest
from django.urls import reverse

from controls.models import Control
from risks.models import Risk

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from html_forms import form_fields  # noqa: E402

pytestmark = pytest.mark.django_db


def test_an_edit_page_sent_back_as_read_keeps_apostrophes_and_ampersands(client_for, users):
    risk = Risk.objects.get(ref=1)
    control = Control.objects.get(risk=risk, name="Victims' Commissioner")  # as in the worked example
    client = client_for("smt")
    url = reverse("risks:edit", args=[risk.pk])
    for _ in range(3):
        data = form_fields(client.get(url).text)
        data["risk-description"] = data["risk-description"] + " & more"
        data["change-reason"] = "Load test edit"
        assert client.post(url, data).status_code == 302
    control.refresh_from_db()
    risk.refresh_from_db()
    assert control.name == "Victims' Commissioner"
    assert risk.description.endswith(" & more & more & more")
