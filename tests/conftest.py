"""The cast of the stories: Jeanne asks for help in Ixelles; Pieter lives nearby and helps;
Marc helps too but lives in Liège; Sofie is nearby but only gardens; Bob is a stranger; Claire
coordinates."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from marketplace.choices import Category
from referrals.mfa import has_totp
from tests import factories
from tests.mfa import mark_session_mfa

JEANNE_STREET = "Rue du Trône 12"
JEANNE_PHONE = "+32 2 555 01 23"


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request in an earlier test activates its
    reader's language for the whole thread, which would make messages depend on test order."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def claire(db):
    return factories.UserFactory(first_name="Claire", email="claire@example.org", is_staff=True)


@pytest.fixture
def jeanne(db):
    person = factories.UserFactory(
        first_name="Jeanne",
        last_name="Dupont",
        email="jeanne@example.org",
        is_helppie=True,
        phone=JEANNE_PHONE,
    )
    factories.place_at(person, "1050", street=JEANNE_STREET)
    return person


@pytest.fixture
def pieter(claire):
    return factories.helpper(
        postcode="1000",
        first_name="Pieter",
        last_name="Janssens",
        email="pieter@example.org",
        phone="+32 470 12 34 56",
        preferred_language="nl",
        by=claire,
    )


@pytest.fixture
def marc(claire):
    """A vetted helpper in Liège, 90 km away."""
    return factories.helpper(
        postcode="4000", first_name="Marc", email="marc@example.org", by=claire
    )


@pytest.fixture
def sofie(claire):
    """Nearby and vetted, but she only does gardening."""
    return factories.helpper(
        postcode="1000",
        categories=(Category.JOBS_GARDEN,),
        first_name="Sofie",
        email="sofie@example.org",
        by=claire,
    )


@pytest.fixture
def bob(db):
    return factories.UserFactory(first_name="Bob", email="bob@example.org", is_helppie=True)


@pytest.fixture
def shopping(jeanne):
    return factories.help_request(helppie=jeanne)


@pytest.fixture
def login(db):
    """A browser of one's own, signed in: login(jeanne).get(...)."""

    def signed_in(user):
        browser = Client()
        browser.force_login(user)
        if has_totp(user):
            # A real sign-in of someone with an authenticator app includes its code.
            mark_session_mfa(browser, user)
        return browser

    return signed_in
