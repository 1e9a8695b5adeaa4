"""Apps sign in with email and password through allauth's headless endpoint and call the API
with the session token; browsers use their session, with CSRF; nobody else gets in."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import LOGIN_URL, session_token

ME = "/api/v1/me/"


def test_an_app_signs_in_and_calls_the_api_with_its_session_token(jeanne):
    token = session_token(jeanne)

    response = APIClient().get(ME, HTTP_X_SESSION_TOKEN=token)

    assert response.status_code == 200
    assert response.json()["email"] == "jeanne@example.org"
    assert response.json()["is_helppie"] is True


def test_a_wrong_password_gives_no_token(jeanne):
    response = APIClient().post(
        LOGIN_URL, {"email": jeanne.email, "password": "not-this-one"}, format="json"
    )

    assert response.status_code == 400
    assert "session_token" not in response.json().get("meta", {})


def test_without_credentials_the_api_answers_401_in_the_error_shape(db):
    response = APIClient().get(ME, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "X-Session-Token"
    assert response.json() == {
        "type": "client_error",
        "errors": [
            {
                "code": "not_authenticated",
                "detail": "Authentication credentials were not provided.",
                "attr": None,
            }
        ],
    }


def test_an_unknown_token_authenticates_nobody(db):
    response = APIClient().get(ME, HTTP_X_SESSION_TOKEN="made-up")

    assert response.status_code == 401


def test_a_token_stops_working_after_logging_out(jeanne):
    token = session_token(jeanne)

    logout = APIClient().delete("/_allauth/app/v1/auth/session", HTTP_X_SESSION_TOKEN=token)

    assert logout.status_code == 401  # allauth's way of saying "no longer signed in"
    assert APIClient().get(ME, HTTP_X_SESSION_TOKEN=token).status_code == 401


def test_a_browser_session_reads_the_api(jeanne, login):
    response = login(jeanne).get(ME)

    assert response.status_code == 200
    assert response.json()["first_name"] == "Jeanne"


@pytest.mark.parametrize("with_token", [True, False])
def test_a_browser_session_writes_only_with_the_csrf_token(jeanne, shopping, with_token):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(jeanne)
    browser.get("/")  # a page with a form gives the browser its CSRF cookie
    headers = {}
    if with_token:
        headers["HTTP_X_CSRFTOKEN"] = browser.cookies["csrftoken"].value

    response = browser.post(f"/api/v1/requests/{shopping.pk}/offers/", {}, **headers)

    if with_token:
        assert response.status_code != 403  # past CSRF: Jeanne cannot offer on her own request
    else:
        assert response.status_code == 403
        assert response.json()["errors"][0]["code"] == "permission_denied"
        assert "CSRF" in response.json()["errors"][0]["detail"]


def test_without_accept_language_the_profile_language_is_used(pieter):
    client = APIClient()
    client.credentials(HTTP_X_SESSION_TOKEN=session_token(pieter))

    response = client.get("/api/v1/requests/", {"status": "whatever"})

    assert response["Content-Language"] == "nl"
    assert "whatever" in response.json()["errors"][0]["detail"]
    assert "Selecteer" in response.json()["errors"][0]["detail"]


def test_an_unknown_address_under_the_api_answers_in_its_error_shape(db):
    response = APIClient().get("/api/v1/nothing-here/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response.json() == {
        "type": "client_error",
        "errors": [{"code": "not_found", "detail": "Not found.", "attr": None}],
    }
