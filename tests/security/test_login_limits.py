"""Logins are rate-limited per account (test_mfa.py) and per address: ten failures a minute from
one address, on the website and in the app alike. The address is REMOTE_ADDR unless proxies are
trusted (DJANGO_TRUSTED_PROXY_COUNT), so a made-up X-Forwarded-For buys no fresh attempts."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from config import settings as base_settings
from tests import factories

APP_LOGIN = "/_allauth/app/v1/auth/login"
TOO_MANY = "Too many failed login attempts"

limited = override_settings(ACCOUNT_RATE_LIMITS=base_settings.ACCOUNT_RATE_LIMITS)


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def strangers(db):
    """Ten accounts someone tries one wrong password on each: never five on one account."""
    return [factories.UserFactory(email=f"someone{n}@example.org") for n in range(10)]


def website(address: str, **headers) -> Client:
    return Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en", **headers)


def sign_in(browser: Client, email: str, password: str = factories.PASSWORD):
    return browser.post(reverse("account_login"), {"login": email, "password": password})


def app_sign_in(address: str, email: str, password: str = factories.PASSWORD, **headers):
    client = APIClient(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en", **headers)
    return client.post(APP_LOGIN, {"email": email, "password": password}, format="json")


def test_the_limits_are_on_outside_tests():
    assert base_settings.ACCOUNT_RATE_LIMITS["login_failed"] == "10/m/ip,5/5m/key"
    assert base_settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0


@limited
def test_the_eleventh_failure_from_one_address_is_refused_even_with_the_right_password(
    strangers, jeanne
):
    for person in strangers:
        response = sign_in(website("192.0.2.10"), person.email, "wrong-password")
        assert TOO_MANY not in response.content.decode()

    refused = website("192.0.2.10")
    response = sign_in(refused, jeanne.email)
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in refused.session
    elsewhere = website("192.0.2.11")
    assert sign_in(elsewhere, jeanne.email).status_code == 302  # another address: fine


@limited
def test_a_made_up_forwarded_for_does_not_reset_the_count(strangers, jeanne):
    for n, person in enumerate(strangers):
        sign_in(website("192.0.2.10", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"), person.email, "x")

    spoofed = website("192.0.2.10", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert TOO_MANY in sign_in(spoofed, jeanne.email).content.decode()


@limited
@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_saw_counts(strangers, jeanne):
    proxy = "10.0.0.1"
    for person in strangers:
        fake = website(proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
        sign_in(fake, person.email, "wrong-password")

    same_client = website(proxy, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5")
    assert TOO_MANY in sign_in(same_client, jeanne.email).content.decode()
    neighbour = website(proxy, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert sign_in(neighbour, jeanne.email).status_code == 302


@limited
def test_the_app_login_refuses_the_sixth_failure_for_one_account(jeanne):
    for n in range(5):
        response = app_sign_in(f"192.0.2.{20 + n}", jeanne.email, "wrong-password")
        assert response.status_code == 400, response.content

    response = app_sign_in("192.0.2.30", jeanne.email)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["code"] == "too_many_login_attempts"
    assert "session_token" not in response.json().get("meta", {})


@limited
def test_the_app_login_refuses_the_eleventh_failure_from_one_address(strangers, jeanne):
    for person in strangers:
        assert app_sign_in("192.0.2.40", person.email, "wrong-password").status_code == 400

    refused = app_sign_in("192.0.2.40", jeanne.email, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert refused.json()["errors"][0]["code"] == "too_many_login_attempts"
    assert app_sign_in("192.0.2.41", jeanne.email).status_code == 200


def test_without_limits_the_app_judges_each_attempt_on_its_password(strangers, jeanne):
    for person in strangers:
        app_sign_in("192.0.2.50", person.email, "wrong-password")

    assert app_sign_in("192.0.2.50", jeanne.email).status_code == 200
