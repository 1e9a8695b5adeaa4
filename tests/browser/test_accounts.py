"""The allauth pages a person meets (/accounts/, which the walk of world.PAGES leaves out) pass
axe-core's WCAG 2.0/2.1/2.2 A and AA rules, with their errors too: the e-mail sent to confirm an
address, a forgotten password (its links good and bad), and the two-step sign-in staff who work
referral cases must use (setting up the app, the password or code asked again)."""

from __future__ import annotations

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests import factories
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD
from tests.mfa import code_for, give_totp, totp_code

pytestmark = pytest.mark.django_db(transaction=True)

WRONG_CODE = "000000"


def open_page(page, url: str, *, lands_on: str | None = None) -> None:
    response = page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}"
    if lands_on:
        assert lands_on in page.url, f"{url} led to {page.url}"
    assert_accessible(page)


def submit(page, fields: dict[str, str]) -> None:
    for selector, value in fields.items():
        page.fill(selector, value)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def assert_errors_shown(page) -> None:
    errors = page.locator(".errorlist, .errors, [role=alert]")
    assert errors.count() > 0, f"no error shown on {page.url}:\n{page.inner_text('main')}"
    assert_accessible(page, f"{page.url} with errors")


def worker(email: str, *, with_app: bool) -> object:
    """A coordinator who may see referral cases (they must use a second step to sign in)."""
    person = factories.UserFactory(first_name="Marc", email=email, is_staff=True)
    person.user_permissions.add(Permission.objects.get(codename="work_cases"))
    if with_app:
        give_totp(person)
    return person


def test_the_pages_of_a_new_address_and_a_forgotten_password_pass_axe(page):
    jeanne = factories.UserFactory(first_name="Jeanne", email="jeanne@example.org")
    open_page(page, reverse("account_email_verification_sent"))
    open_page(page, reverse("account_confirm_email", args=["a-link-that-expired"]))
    open_page(page, reverse("account_reset_password_done"))
    open_page(page, reverse("account_reset_password_from_key", args=["1", "a-bad-key"]))

    key = default_token_generator.make_token(jeanne)
    open_page(
        page,
        reverse("account_reset_password_from_key", args=[user_pk_to_url_str(jeanne), key]),
        lands_on="set-password",
    )
    submit(page, {"input[name=password1]": "Un-long-secret-2025", "input[name=password2]": "x"})
    assert_errors_shown(page)
    new = "Un-long-secret-2025"
    submit(page, {"input[name=password1]": new, "input[name=password2]": new})
    assert page.url.endswith(reverse("account_reset_password_from_key_done")), page.url
    assert_accessible(page, "password changed")


def test_a_worker_sets_up_the_authenticator_app_on_pages_that_pass_axe(page):
    marc = worker("marc@example.org", with_app=False)
    sign_in(page, marc)
    # allauth asks for the password again before a security change, then comes back.
    open_page(page, reverse("case_queue"), lands_on=reverse("account_reauthenticate"))
    submit(page, {"input[name=password]": "not my password"})
    assert_errors_shown(page)
    submit(page, {"input[name=password]": PASSWORD})
    assert reverse("mfa_activate_totp") in page.url, page.url
    assert_accessible(page)

    submit(page, {"input[name=code]": WRONG_CODE})
    assert_errors_shown(page)

    secret = page.input_value("#authenticator_secret")
    submit(page, {"input[name=code]": totp_code(secret)})
    assert "/accounts/2fa/totp/activate/" not in page.url
    assert_accessible(page, f"after activation: {page.url}")
    open_page(page, reverse("mfa_index"))


def test_the_code_steps_of_a_worker_pass_axe_with_and_without_errors(page):
    claire = worker("claire@example.org", with_app=True)
    page.goto(reverse("account_login"))
    submit(page, {"input[name=login]": claire.email, "input[name=password]": PASSWORD})
    assert reverse("mfa_authenticate") in page.url
    assert_accessible(page)
    submit(page, {"input[name=code]": WRONG_CODE})
    assert_errors_shown(page)
    submit(page, {"input[name=code]": code_for(claire)})
    assert "/accounts/" not in page.url, f"{claire.email} could not sign in: {page.url}"

    open_page(page, reverse("mfa_reauthenticate"))
    submit(page, {"input[name=code]": WRONG_CODE})
    assert_errors_shown(page)
