"""Login throttling (django-axes): five wrong passwords for one user name from one address
lock that pair out for the cool-off; a forged X-Forwarded-For changes nothing; the owner gets
back in after the cool-off."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def owner(db):
    return get_user_model().objects.create_superuser("owner", password="the-right-password-42")


def attempt(client, password, **extra):
    return client.post(LOGIN, {"username": "owner", "password": password}, **extra)


def fail_five_times(client, **extra):
    return [attempt(client, f"guess-{i}", **extra).status_code for i in range(5)]


def test_the_login_form_works(client, owner):
    response = attempt(client, "the-right-password-42")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    cookie = response.cookies["sessionid"]
    assert (cookie["max-age"], cookie["expires"]) == ("", "")  # ends when the browser closes
    assert cookie["httponly"] is True
    assert client.session.get_expiry_age() == 8 * 60 * 60  # and 8 hours after the login at most


def test_five_failures_lock_out_even_the_right_password(client, owner):
    assert fail_five_times(client)[:4] == [200] * 4

    response = attempt(client, "the-right-password-42")

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_is_in_french_too(client, owner):
    fail_five_times(client)

    response = attempt(client, "the-right-password-42", headers={"accept-language": "fr"})

    assert response.status_code == 429
    assert "Trop d’échecs de connexion" in response.content.decode()


@pytest.mark.parametrize("header", ["X-Forwarded-For", "X-Real-IP", "Forwarded", "Client-IP"])
def test_a_forged_forwarding_header_does_not_reset_the_count(client, owner, header):
    fail_five_times(client, headers={header: "198.51.100.7"})

    response = attempt(client, "the-right-password-42", headers={header: "203.0.113.99"})

    assert response.status_code == 429


def test_another_address_is_not_locked_out(client, owner):
    fail_five_times(client)

    response = attempt(client, "the-right-password-42", REMOTE_ADDR="192.0.2.10")

    assert response.status_code == 302


def test_the_owner_gets_back_in_after_the_cool_off(client, owner, settings):
    fail_five_times(client)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))

    response = attempt(client, "the-right-password-42")

    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()  # a success clears the count
