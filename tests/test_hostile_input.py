"""Hostile request values: NUL bytes in headers and fields never reach the
database as they are (PostgreSQL text cannot hold them), sign-in never answers
500 and every attempt is counted."""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.urls import reverse

NUL = "\x00"


def sign_in(client, username, password, **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, headers=headers)


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["User-Agent", "Accept", "X-Forwarded-For", "Referer"])
def test_a_nul_in_a_header_of_a_failed_sign_in_is_counted_not_a_500(client, demo, header):
    response = sign_in(client, "smt", "wrong", **{header: f"evil{NUL}agent"})
    assert response.status_code == 200 and "There is a problem" in response.text
    attempt = AccessAttempt.objects.get(username="smt")
    assert attempt.failures_since_start == 1
    assert NUL not in attempt.user_agent + attempt.http_accept


@pytest.mark.django_db
def test_nul_headers_cannot_be_used_to_guess_passwords_without_limit(client, demo, password):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "smt", f"wrong-{attempt}", User_Agent=f"x{NUL}")
    assert sign_in(client, "smt", password, User_Agent=f"x{NUL}").status_code == 429


@pytest.mark.django_db
def test_a_right_password_with_a_nul_header_signs_in_and_is_logged(client, demo, password):
    response = sign_in(client, "smt", password, User_Agent=f"evil{NUL}agent")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert NUL not in AccessLog.objects.get(username="smt").user_agent


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["username", "password"])
def test_a_nul_in_a_sign_in_field_is_refused_with_a_message_for_right_and_wrong_passwords(client, demo, password, field):
    answers = []
    for guess in (password, "wrong"):
        data = {"username": "smt", "password": guess}
        data[field] += NUL
        response = client.post(reverse("login"), data)
        assert response.status_code == 200 and "There is a problem" in response.text
        assert "_auth_user_id" not in client.session
        answers.append(response.text.replace(guess, ""))
    assert "Remove the null character" in answers[0]
    # Right and wrong guesses look the same.
    strip_token = lambda text: text.split('name="csrfmiddlewaretoken"')[0]  # noqa: E731
    assert strip_token(answers[0]) == strip_token(answers[1])


@pytest.mark.django_db
def test_a_nul_in_an_extra_sign_in_field_is_counted_not_a_500(client, demo):
    response = client.post(reverse("login"), {"username": "smt", "password": "wrong", "next": f"/{NUL}"})
    assert response.status_code == 200
    assert AccessAttempt.objects.get(username="smt").failures_since_start == 1


@pytest.mark.django_db
def test_a_nul_in_a_search_is_refused_not_a_500(client_for):
    client = client_for("admin")
    for url in (reverse("risks:register") + f"?q=a{NUL}b", reverse("admin:risks_risk_changelist") + f"?q=a{NUL}b"):
        response = client.get(url)
        assert response.status_code in (200, 400), url
        if response.status_code == 400:
            assert "null character" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("cookie", [f"sessionid=abcdefgh{NUL}ijklmnop", f"csrftoken=abc{NUL}def"])
def test_a_nul_in_a_cookie_is_not_a_500(client, demo, cookie):
    response = client.get(reverse("home"), headers={"Cookie": cookie})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    response = client.post(reverse("login"), {"username": "smt", "password": "wrong"}, headers={"Cookie": cookie})
    assert response.status_code in (200, 403)
