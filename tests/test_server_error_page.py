"""An unexpected error gets the site's own page (templates/500.html), which needs no
context and no database, and says what to do next without revealing anything."""

import pytest
from django.test import Client, override_settings
from django.urls import path

from tests.markup import problems


def boom(request):
    raise RuntimeError("secret detail of the failure")


urlpatterns = [path("boom/", boom)]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_an_unexpected_error_gets_the_sites_page():
    response = Client(raise_request_exception=False).get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Sorry, there is a problem with the service</h1>" in page
    assert "check whether it was saved before sending it again" in page
    assert 'href="/static/css/site.css"' in page or "/static/css/site." in page
    assert "secret detail" not in page and "Traceback" not in page
    assert problems(page) == []
