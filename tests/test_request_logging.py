"""A 403 is logged as one line at WARNING, without a traceback; real errors keep theirs."""

import logging

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_a_forbidden_page_logs_one_line_without_a_traceback(client_for, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for("panel").get(reverse("risks:register"))
    assert response.status_code == 403
    [record] = [record for record in caplog.records if record.name == "django.request"]
    assert record.levelno == logging.WARNING and record.status_code == 403
    assert record.exc_info is None
    formatted = logging.Formatter().format(record)
    assert formatted == f"Forbidden (Permission denied): {reverse('risks:register')}"
