"""The idle session's warning (WCAG 2.2.1): every signed-in page says when the session
will end and offers to stay signed in; the button's address starts the session afresh."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone


pytestmark = pytest.mark.django_db
STAY = reverse("stay_signed_in")


def session_row(client):
    return Session.objects.get(session_key=client.session.session_key)


def age_session(client, minutes_left):
    """As if the last request that wrote the session was long ago."""
    row = session_row(client)
    row.expire_date = timezone.now() + timedelta(minutes=minutes_left)
    row.save()
    return row.expire_date


@pytest.mark.parametrize("username", ["panel", "smt", "author", "admin"])
def test_every_signed_in_page_carries_the_warning(client_for, username, settings):
    page = client_for(username).get(reverse("password_change")).text
    assert '<dialog class="timeout-warning" id="timeout-warning"' in page
    # 30 minutes, less the minute a page may not have written the session: the page never outlasts it.
    assert 'data-ends-after="1740" data-warning="120"' in page
    assert "you will be signed out in about 2 minutes" in page
    assert "You were signed out after 30 minutes without activity" in page
    assert '<script src="/static/js/session-timeout.js" defer></script>' in page
    assert f'<input type="hidden" name="next" value="{reverse("password_change")}">' in page
    assert f'href="/accounts/login/?next={reverse("password_change")}"' in page


def test_the_warning_follows_the_idle_setting(client_for, settings):
    settings.SESSION_COOKIE_AGE, settings.SESSION_WARNING_SECONDS = 10 * 60, 5 * 60
    page = client_for("smt").get(reverse("home")).text
    assert 'data-ends-after="540" data-warning="300"' in page and "in about 5 minutes" in page


def test_signed_out_pages_have_no_warning(client):
    assert "timeout-warning" not in client.get(reverse("login")).text


@pytest.mark.parametrize("username", ["panel", "smt", "author", "admin"])
def test_staying_signed_in_starts_the_idle_time_again(client_for, username):
    client = client_for(username)
    client.get(reverse("home"))
    old_expiry = age_session(client, minutes_left=2)
    response = client.post(STAY, {"next": "/"}, headers={"Accept": "application/json"})
    assert response.status_code == 204
    new_expiry = session_row(client).expire_date
    assert new_expiry > old_expiry + timedelta(minutes=27)
    assert client.get(reverse("home")).status_code == 200


def test_without_scripts_the_button_goes_back_to_the_page(client_for):
    client = client_for("smt")
    client.get(reverse("risks:register"))
    old_expiry = age_session(client, minutes_left=2)
    response = client.post(STAY, {"next": "/risks/?band=high"})
    assert response.status_code == 302 and response["Location"] == "/risks/?band=high"
    assert session_row(client).expire_date > old_expiry + timedelta(minutes=27)
    assert "You are still signed in." in client.get(response["Location"]).text


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""])
def test_the_way_back_never_leaves_the_site(client_for, next_url):
    response = client_for("smt").post(STAY, {"next": next_url})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_after_the_session_ended_it_says_so(client):
    assert client.post(STAY, {"next": "/risks/"}, headers={"Accept": "application/json"}).status_code == 401
    response = client.post(STAY, {"next": "/risks/"})
    assert response.status_code == 302 and response["Location"] == f"{reverse('login')}?next=/risks/"
    assert not Session.objects.exists()  # nothing started for nobody


@pytest.mark.parametrize("username", [None, "smt"])
def test_staying_signed_in_is_a_post(client_for, username):
    client = client_for(username)
    assert client.get(STAY).status_code == 405
    assert client.put(STAY).status_code == 405


def test_the_button_needs_the_pages_csrf_token(users):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["smt"], backend="django.contrib.auth.backends.ModelBackend")
    assert client.post(STAY, {"next": "/"}, headers={"Accept": "application/json"}).status_code == 403
