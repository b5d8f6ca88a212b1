"""Sign-in, lock-out, sign-out, password change, idle expiry and the role-aware navigation."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

CONVERTER_VALUES = {
    "IntConverter": 1, "StringConverter": "x", "SlugConverter": "x", "PathConverter": "x/y",
    "UUIDConverter": "12345678-1234-5678-1234-567812345678",
}


def every_url(patterns=None, namespace=""):
    """Every named URL of the project (the admin's own pages aside), with sample arguments."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from every_url(entry.url_patterns, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            converters = getattr(entry.pattern, "converters", {})
            kwargs = {name: CONVERTER_VALUES[type(conv).__name__] for name, conv in converters.items()}
            yield reverse(f"{namespace}{entry.name}", kwargs=kwargs)


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_every_page_but_the_login_page_sends_anonymous_users_to_sign_in(client, demo):
    urls = list(every_url())
    assert reverse("risks:register") in urls and reverse("home") in urls
    for url in urls:
        if url == reverse("login"):
            assert client.get(url).status_code == 200
            continue
        if url == reverse("healthz"):  # for load balancers: 200, or 503 until a worker is seen
            assert client.get(url).status_code in (200, 503)
            continue
        if url == reverse("stay_signed_in"):  # a POST only; once the session has ended, to sign in again
            assert client.get(url).status_code == 405
            response = client.post(url, {"next": "/risks/"})
            assert response["Location"] == reverse("login") + "?next=/risks/"
            continue
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next="), url
        # A POST is either sent to sign in or refused as the wrong method
        # (read-only pages that may be opened to the public answer 405 first).
        response = client.post(url)
        assert response.status_code in (302, 405), url
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login") + "?next="), url


@pytest.mark.django_db
def test_signing_in_with_the_right_password_lands_on_the_start_page(client, demo, password):
    response = sign_in(client, "smt", password)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).context["user"].username == "smt"


@pytest.mark.django_db
def test_a_wrong_password_gives_a_message_and_keeps_the_username(client, demo):
    response = sign_in(client, "smt", "wrong")
    assert response.status_code == 200
    assert "There is a problem" in response.text and 'value="smt"' in response.text
    assert not response.context["user"].is_authenticated


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_even_against_the_right_password(client, demo, password):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "smt", f"wrong-{attempt}").status_code == 200
    locked = sign_in(client, "smt", "wrong-again")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.text
    still_locked = sign_in(client, "smt", password)
    assert still_locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # The lock is per account: a colleague at the same address can still sign in.
    assert sign_in(client, "author", password).status_code == 302


@pytest.mark.django_db
def test_the_lock_lifts_after_the_cool_off(client, demo, password):
    from axes.models import AccessAttempt

    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "smt", f"wrong-{attempt}")
    assert sign_in(client, "smt", password).status_code == 429
    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)
    for attempt_row in AccessAttempt.objects.all():
        attempt_row.attempt_time -= cool_off + timedelta(minutes=1)
        attempt_row.save()
    assert sign_in(client, "smt", password).status_code == 302


@pytest.mark.django_db
def test_sign_out_is_a_post(client_for):
    client = client_for("smt")
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_change_password(client, demo, password):
    sign_in(client, "smt", password)
    wrong = client.post(reverse("password_change"), {
        "old_password": "not-it", "new_password1": "a-much-better-passphrase", "new_password2": "a-much-better-passphrase",
    })
    assert wrong.status_code == 200 and "Your old password was entered incorrectly" in wrong.text
    response = client.post(reverse("password_change"), {
        "old_password": password, "new_password1": "a-much-better-passphrase", "new_password2": "a-much-better-passphrase",
    })
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    client.post(reverse("logout"))
    assert sign_in(client, "smt", password).status_code == 200
    assert sign_in(client, "smt", "a-much-better-passphrase").status_code == 302


@pytest.mark.django_db
def test_idle_sessions_expire_and_each_request_pushes_expiry_forward(client, demo, password):
    sign_in(client, "smt", password)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    session = Session.objects.get(session_key=client.session.session_key)
    session.expire_date = timezone.now() + timedelta(seconds=5)
    session.save()
    client.get(reverse("home"))
    pushed = Session.objects.get(session_key=session.session_key).expire_date
    assert pushed > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    # Idle past the limit: the session is gone and the next page asks to sign in.
    session = Session.objects.get(session_key=session.session_key)
    session.expire_date = timezone.now() - timedelta(seconds=1)
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_a_request_within_the_touch_interval_does_not_rewrite_the_session(client, demo, password):
    # Pushing the idle expiry forward costs a write; one within a minute of the
    # last push would move it by less than a minute, so it is left out.
    sign_in(client, "smt", password)
    key = client.session.session_key
    almost_fresh = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - settings.SESSION_TOUCH_SECONDS // 2)
    Session.objects.filter(session_key=key).update(expire_date=almost_fresh)
    assert client.get(reverse("home")).status_code == 200
    assert Session.objects.get(session_key=key).expire_date == almost_fresh
    # A minute or more behind: pushed forward to a full idle period from now.
    behind = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 2 * settings.SESSION_TOUCH_SECONDS)
    Session.objects.filter(session_key=key).update(expire_date=behind)
    client.get(reverse("home"))
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + timedelta(
        seconds=settings.SESSION_COOKIE_AGE - settings.SESSION_TOUCH_SECONDS)


@pytest.mark.django_db
@pytest.mark.parametrize("username,register,admin", [
    ("smt", True, False), ("author", True, False), ("panel", False, False), ("admin", True, True),
])
def test_navigation_shows_only_what_the_role_may_do(client_for, username, register, admin):
    response = client_for(username).get(reverse("home"))
    nav = response.text.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert (f'href="{reverse("risks:register")}"' in nav) is register
    assert (f'href="{reverse("admin:index")}"' in nav) is admin
    assert "Sign out" in nav and f'href="{reverse("password_change")}"' in nav


@pytest.mark.django_db
def test_anonymous_pages_show_no_navigation(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'class="site-nav"' not in response.text and "Sign in" in response.text
