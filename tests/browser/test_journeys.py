"""The three journeys through the real pages, each in a language other than English: Jeanne asks
in French, Pieter helps in Dutch, Claire registers a caller by phone in French."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from marketplace import services as marketplace_services
from marketplace.models import HelpRequest, Offer, User, Visit
from matching import services as matching_services
from tests import factories
from tests.browser.conftest import sign_in
from tests.mfa import give_totp

pytestmark = pytest.mark.django_db(transaction=True)


def jeanne_in_ixelles() -> User:
    jeanne = factories.UserFactory(
        first_name="Jeanne",
        last_name="Dupont",
        email="jeanne@example.org",
        is_helppie=True,
        phone="+32 2 555 01 23",
        preferred_language="fr",
    )
    factories.place_at(jeanne, "1050", street="Rue du Trône 12")
    return jeanne


def pieter_nearby() -> User:
    return factories.helpper(
        postcode="1000",
        first_name="Pieter",
        last_name="Janssens",
        email="pieter@example.org",
        phone="+32 470 12 34 56",
        preferred_language="nl",
    )


def claire_coordinates() -> User:
    claire = factories.UserFactory(first_name="Claire", email="claire@example.org", is_staff=True)
    claire.user_permissions.add(Permission.objects.get(codename="work_cases"))
    give_totp(claire)  # referral cases need two-step sign-in
    return claire


def post_a_request(page, *, description: str) -> None:
    """The four steps of the request form, as a person fills them in."""
    page.check("input[name=category][value=shopping]")
    page.fill("textarea[name=description]", description)
    if page.locator("select[name=place]").count():
        page.select_option("select[name=place]", index=1)
    page.check("input[name=recurrence][value=once]")
    page.fill("input[name=starts_on]", (timezone.localdate() + timedelta(days=3)).isoformat())
    page.fill("input[name=start_time]", "10:00")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def test_jeanne_asks_for_help_in_french_and_sees_pieter_once_she_chose_him(page):
    jeanne = jeanne_in_ixelles()
    pieter = pieter_nearby()
    sign_in(page, jeanne)

    page.get_by_role("link", name="Demander de l'aide").first.click()
    assert page.locator("h1").inner_text() == "Demander de l'aide"
    assert page.locator("legend", has_text="1. De quoi avez-vous besoin ?").is_visible()
    post_a_request(page, description="Les courses du jeudi au Delhaize, le lait est lourd.")

    help_request = HelpRequest.objects.get(helppie=jeanne)
    assert help_request.description.startswith("Les courses du jeudi")
    assert page.url.endswith(f"/requests/{help_request.pk}/")
    assert "Votre demande est publiée." in page.inner_text("main")

    page.goto("/")
    assert page.locator(f"main a[href='/requests/{help_request.pk}/']").is_visible()

    marketplace_services.offer_make(request=help_request, helpper=pieter, message="Avec plaisir")
    page.goto(f"/requests/{help_request.pk}/")
    assert "+32 470 12 34 56" not in page.content()
    with page.expect_navigation():
        page.get_by_role("button", name="Choisir Pieter").click()

    assert Offer.objects.get(request=help_request).status == Offer.Status.ACCEPTED
    contact = page.locator("section.contact")
    assert contact.locator("h2").inner_text() == "Coordonnées"
    assert "Pieter Janssens" in contact.inner_text() and "+32 470 12 34 56" in contact.inner_text()


def test_pieter_offers_in_dutch_from_the_list_near_him_and_later_sees_the_visit(page):
    jeanne = jeanne_in_ixelles()
    pieter = pieter_nearby()
    help_request = factories.help_request(helppie=jeanne, description="Boodschappen bij Delhaize")
    sign_in(page, pieter)

    page.get_by_role("link", name="Aanvragen in mijn buurt").first.click()
    assert page.locator("h1").inner_text() == "Aanvragen in mijn buurt"
    card = page.locator("li.card", has_text="Boodschappen bij Delhaize")
    assert "Jeanne D." in card.inner_text() and "Rue du Trône" not in card.inner_text()
    assert re.search(r"(ongeveer|ca\.?) \d+(,\d)? km", card.inner_text()), card.inner_text()
    card.locator("h2 a").click()

    page.fill("textarea[name=message]", "Ik kom graag helpen.")
    with page.expect_navigation():
        page.get_by_role("button", name="Ik kan helpen").click()
    offer = Offer.objects.get(request=help_request, helpper=pieter)
    assert offer.message == "Ik kom graag helpen."
    assert "Bedankt" in page.inner_text("main")

    matching_services.offer_choose(offer=offer, by=jeanne)
    page.goto(f"/requests/{help_request.pk}/")
    visit = Visit.objects.get(request=help_request)
    assert visit.helpper == pieter and visit.status == Visit.Status.PLANNED
    visits = page.locator("section[aria-labelledby=visits-title]")
    assert visits.locator("h2").inner_text() == "Bezoeken"
    assert "Gepland" in visits.inner_text()
    assert "Rue du Trône 12" in page.inner_text("main")


def test_claire_registers_a_caller_and_posts_her_first_request_in_a_few_steps(page):
    claire = claire_coordinates()
    factories.helpper(postcode="1050", email="helper@example.org")
    sign_in(page, claire)
    started = time.monotonic()
    submitted = 0

    page.get_by_role("link", name="Inscription par téléphone").first.click()
    assert page.locator("h1").inner_text() == "Inscrire une personne qui a appelé"
    page.fill("input[name=first_name]", "Lucienne")
    page.fill("input[name=last_name]", "Peeters")
    page.fill("input[name=phone]", "+32 2 555 77 88")
    page.select_option("select[name=preferred_language]", "fr")
    page.fill("input[name=street]", "Chaussée d'Ixelles 100")
    page.fill("input[name=postcode]", "1050")
    page.check("input[name=agreed]")
    with page.expect_navigation():
        page.locator("main form:has([name=phone]) button[type=submit]").click()
    submitted += 1

    lucienne = User.objects.get(first_name="Lucienne")
    assert lucienne.email in ("", None) and lucienne.registered_by == claire
    assert lucienne.consent_recorded_at is not None
    assert "Au nom de Lucienne Peeters" in page.inner_text("main")
    post_a_request(page, description="Aller à la pharmacie et faire quelques courses.")
    submitted += 1

    help_request = HelpRequest.objects.get(helppie=lucienne)
    assert help_request.created_by == claire and help_request.place.postcode == "1050"
    assert "Votre demande est publiée." in page.inner_text("main")
    # Two forms and a handful of fields: well within the two minutes a coordinator has.
    assert submitted == 2 and time.monotonic() - started < 60
