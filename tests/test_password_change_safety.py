"""Password change: wrong old passwords are counted like failed sign-ins, and
new passwords must pass Django's validators (similarity, common, length 12, numeric)."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse


def change(client, old, new):
    return client.post(reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new})


@pytest.mark.django_db
def test_wrong_old_passwords_lock_the_account_after_the_sign_in_limit(client_for, client, password):
    signed_in = client_for("smt")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = change(signed_in, f"wrong-{attempt}", "a-much-better-passphrase")
        assert response.status_code == 200 and "Your old password was entered incorrectly" in response.text
    locked = change(signed_in, "wrong-again", "a-much-better-passphrase")
    assert locked.status_code == 429 and "Too many failed" in locked.text
    # Locked: even the right old password is refused, and nothing changes.
    assert change(signed_in, password, "a-much-better-passphrase").status_code == 429
    signed_in.post(reverse("logout"))
    # The lock is the sign-in lock too.
    response = client.post(reverse("login"), {"username": "smt", "password": password})
    assert response.status_code == 429


@pytest.mark.django_db
def test_sign_in_failures_and_password_change_failures_count_together(client_for, password):
    signed_in = client_for("smt")  # signing in clears earlier failures, so first
    elsewhere = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        elsewhere.post(reverse("login"), {"username": "smt", "password": f"wrong-{attempt}"})
    assert change(signed_in, "wrong-again", "a-much-better-passphrase").status_code == 429


@pytest.mark.django_db
def test_a_successful_change_clears_earlier_failures(client_for, password):
    signed_in = client_for("smt")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        change(signed_in, f"wrong-{attempt}", "a-much-better-passphrase")
    assert change(signed_in, password, "a-much-better-passphrase").status_code == 302
    assert change(signed_in, "wrong-once-more", "another-better-passphrase").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("new,message", [
    ("panelpanel", "This password is too short. It must contain at least 12 characters."),
    ("password1234", "This password is too common."),
    ("849302716354", "This password is entirely numeric."),
    ("panel.member@example", "The password is too similar to the email address."),
])
def test_weak_new_passwords_are_refused(client_for, users, password, new, message):
    users["panel"].email = "panel.member@example.org"
    users["panel"].save()
    response = change(client_for("panel"), password, new)
    assert response.status_code == 200 and message in response.text
    client = client_for(None)
    assert client.post(reverse("login"), {"username": "panel", "password": password}).status_code == 302


@pytest.mark.django_db
def test_a_nul_in_a_password_field_is_refused_with_a_message(client_for, password):
    response = change(client_for("smt"), password, "a-much-better\x00passphrase")
    assert response.status_code == 200 and "Remove the null character" in response.text
