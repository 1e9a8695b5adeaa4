"""Coordinators who see referral data sign in with a second factor (allauth.mfa, TOTP).

Nadia works referral cases. Without an authenticator app she is sent to set one up before any
case page and the API refuses her with a sentence saying why; with one, the login asks for the
code her app shows (computed here from the shared secret), and the cases open after it.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from config import settings as base_settings
from referrals import services as referral_services
from referrals.screening import screen
from tests import factories
from tests.mfa import give_totp, mark_session_mfa, totp_code

HEADLESS = "/_allauth/app/v1/auth"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Used TOTP codes and rate-limit counters live in the cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def nadia(db):
    """A coordinator holding the referrals permission, with no authenticator app yet."""
    user = factories.UserFactory(first_name="Nadia", email="nadia@example.org", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="work_cases"))
    return user


@pytest.fixture
def case(jeanne, nadia):
    return referral_services.case_open(
        person=jeanne, screening=screen("Je me sens si seule.", "fr", {}), source="request"
    )


def password_login(client: Client, user, password: str = factories.PASSWORD):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def test_it_sends_a_coordinator_without_an_authenticator_to_set_one_up(nadia, case, login):
    browser = login(nadia)
    for url in (reverse("case_queue"), reverse("case_detail", args=[case.pk])):
        response = browser.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("mfa_activate_totp"))
        assert "next=" in response.url


def test_it_refuses_a_case_move_without_mfa_and_changes_nothing(nadia, case, login):
    response = login(nadia).post(
        reverse("case_move", args=[case.pk]), {"to": "accepted", "note": "x"}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))
    case.refresh_from_db()
    assert case.status == "requested"


def test_staff_without_the_permission_still_get_404_not_an_mfa_page(claire, case, login):
    assert login(claire).get(reverse("case_queue")).status_code == 404


def test_the_api_answers_403_with_a_clear_message_without_mfa(nadia, case):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(nadia)  # signed in, but no second factor anywhere
    response = client.get("/api/v1/cases/")
    assert response.status_code == 403
    detail = response.json()["errors"][0]
    assert detail["code"] == "mfa_required"
    assert "two-step sign-in" in detail["detail"]
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 403


def test_the_api_message_is_in_the_callers_language(nadia, case):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_authenticate(nadia)
    response = client.get("/api/v1/cases/")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "mfa_required"


def test_login_asks_for_the_code_and_cases_open_after_it(nadia, case):
    secret = give_totp(nadia)
    browser = Client()
    response = password_login(browser, nadia)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    # The password alone does not sign her in.
    assert browser.get(reverse("case_queue")).status_code == 404

    response = browser.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert reverse("mfa_authenticate") not in response.url
    page = browser.get(reverse("case_detail", args=[case.pk]))
    assert page.status_code == 200
    assert "Jeanne" in page.content.decode()


def test_a_wrong_code_does_not_sign_in(nadia, case):
    secret = give_totp(nadia)
    browser = Client()
    password_login(browser, nadia)
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"
    response = browser.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in browser.session
    assert browser.get(reverse("case_queue")).status_code == 404


def test_a_session_signed_in_before_mfa_must_enter_a_code_first(nadia, case):
    secret = give_totp(nadia)
    browser = Client()
    browser.force_login(nadia)  # e.g. signed in before the authenticator was added
    response = browser.get(reverse("case_queue"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_reauthenticate"))

    response = browser.post(response.url, {"code": totp_code(secret)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert browser.get(reverse("case_queue")).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_setting_up_the_authenticator_opens_the_cases(nadia):
    browser = Client()
    password_login(browser, nadia)
    response = browser.get(reverse("case_queue"))
    assert response.url.startswith(reverse("mfa_activate_totp"))

    # allauth asks for the password again before a security change, then comes back.
    response = browser.get(response.url)
    assert response.url.startswith(reverse("account_reauthenticate"))
    response = browser.post(response.url, {"password": factories.PASSWORD})
    assert response.status_code == 302
    page = browser.get(response.url)
    assert page.status_code == 200
    secret = browser.session["mfa.totp.secret"]  # what the QR code on the page carries
    assert secret in page.content.decode()
    response = browser.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert browser.get(reverse("case_queue")).status_code == 200


def test_an_app_signs_in_with_the_code_and_then_reads_cases(nadia, case):
    secret = give_totp(nadia)
    client = APIClient()
    response = client.post(
        f"{HEADLESS}/login",
        {"email": nadia.email, "password": factories.PASSWORD},
        format="json",
    )
    assert response.status_code == 401
    body = response.json()
    pending = [flow["id"] for flow in body["data"]["flows"] if flow.get("is_pending")]
    assert pending == ["mfa_authenticate"]
    token = body["meta"]["session_token"]

    client.credentials(HTTP_X_SESSION_TOKEN=token)
    assert client.get("/api/v1/cases/").status_code == 401  # not signed in yet
    response = client.post(f"{HEADLESS}/2fa/authenticate", {"code": totp_code(secret)})
    assert response.status_code == 200, response.content
    client.credentials(HTTP_X_SESSION_TOKEN=response.json()["meta"]["session_token"])
    response = client.get("/api/v1/cases/")
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [case.pk]


def test_the_login_helper_marks_mfa_only_for_people_with_an_authenticator(nadia, case, login):
    give_totp(nadia)
    assert login(nadia).get(reverse("case_queue")).status_code == 200
    browser = Client()
    browser.force_login(nadia)
    mark_session_mfa(browser, nadia)
    assert browser.get(reverse("case_queue")).status_code == 200


@override_settings(ACCOUNT_RATE_LIMITS=base_settings.ACCOUNT_RATE_LIMITS)
def test_the_sixth_failed_login_for_one_account_is_refused(jeanne):
    assert base_settings.ACCOUNT_RATE_LIMITS  # production keeps the limits on
    for _attempt in range(5):
        response = password_login(Client(), jeanne, password="not-her-password")
        assert response.status_code == 200
        assert "Too many failed login attempts" not in response.content.decode()
    # Even the right password is refused now, from a fresh browser.
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = password_login(browser, jeanne)
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in browser.session


def test_without_limits_the_sixth_attempt_is_judged_on_its_password(jeanne):
    for _attempt in range(5):
        password_login(Client(), jeanne, password="not-her-password")
    browser = Client()
    assert password_login(browser, jeanne).status_code == 302
    assert "_auth_user_id" in browser.session
