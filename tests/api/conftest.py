"""The API's stories use the same cast (tests/conftest.py): Jeanne asks, Pieter helps nearby,
Bob is a stranger, Claire coordinates, Nadia works referral cases. Apps sign in through
allauth's headless endpoint and send the session token on every call."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from rest_framework.test import APIClient

from referrals.mfa import has_totp
from tests import factories
from tests.mfa import give_totp, secret_of, totp_code

LOGIN_URL = "/_allauth/app/v1/auth/login"
MFA_URL = "/_allauth/app/v1/auth/2fa/authenticate"


def session_token(user, password: str = factories.PASSWORD) -> str:
    """Sign in as an app does (email and password, then the authenticator's code for someone
    who has one); the token to send as X-Session-Token."""
    client = APIClient()
    response = client.post(LOGIN_URL, {"email": user.email, "password": password}, format="json")
    token = response.json().get("meta", {}).get("session_token")
    if response.status_code == 401 and has_totp(user):
        code = totp_code(secret_of(user))
        response = client.post(MFA_URL, {"code": code}, format="json", HTTP_X_SESSION_TOKEN=token)
    assert response.status_code == 200, response.content
    return response.json()["meta"].get("session_token", token)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counts live in the cache: each story starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def app(db):
    """An app signed in as someone: app(jeanne).get("/api/v1/me/")."""

    def signed_in(user, language: str = "en") -> APIClient:
        client = APIClient()
        client.credentials(HTTP_X_SESSION_TOKEN=session_token(user), HTTP_ACCEPT_LANGUAGE=language)
        return client

    return signed_in


@pytest.fixture
def nadia(db):
    """A coordinator who works referral cases, with an authenticator app (two-step sign-in)."""
    user = factories.UserFactory(first_name="Nadia", email="nadia@example.org", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="work_cases"))
    give_totp(user)
    return user
