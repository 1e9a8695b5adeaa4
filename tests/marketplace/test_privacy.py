"""Nobody but the helppie and coordinators sees an exact address or a phone number until the
helppie has accepted a helpper; then only that helpper does."""

import pytest
from django.urls import reverse

from marketplace import services
from tests import factories
from tests.conftest import JEANNE_PHONE, JEANNE_STREET


def pages_for(request):
    return [
        reverse("home"),
        reverse("near_me"),
        reverse("request_detail", args=[request.pk]),
    ]


def assert_nothing_private(browser, request):
    for url in pages_for(request):
        response = browser.get(url)
        body = response.content.decode()
        assert JEANNE_STREET not in body, url
        assert JEANNE_PHONE not in body, url
        assert "jeanne@example.org" not in body, url


def test_it_hides_the_exact_address_until_accepted(shopping, pieter, login):
    browser = login(pieter)
    assert_nothing_private(browser, shopping)

    services.offer_make(request=shopping, helpper=pieter)

    assert_nothing_private(browser, shopping)


def test_it_never_shows_the_address_to_a_helpper_who_was_not_chosen(
    shopping, pieter, login, claire
):
    other = factories.helpper(postcode="1050", first_name="Anna", by=claire)
    services.offer_make(request=shopping, helpper=other)
    chosen = services.offer_make(request=shopping, helpper=pieter)
    services.offer_accept(offer=chosen, by=shopping.helppie)

    assert_nothing_private(login(other), shopping)


def test_it_shows_the_address_and_phone_to_the_accepted_helpper(shopping, pieter, login):
    offer = services.offer_make(request=shopping, helpper=pieter)
    services.offer_accept(offer=offer, by=shopping.helppie)

    body = login(pieter).get(reverse("request_detail", args=[shopping.pk])).content.decode()

    assert JEANNE_STREET in body and JEANNE_PHONE in body


def test_it_shows_the_helppie_the_helppers_phone_only_after_choosing(shopping, pieter, login):
    offer = services.offer_make(request=shopping, helpper=pieter)
    jeanne = login(shopping.helppie)
    url = reverse("request_detail", args=[shopping.pk])

    assert pieter.phone not in jeanne.get(url).content.decode()
    services.offer_accept(offer=offer, by=shopping.helppie)
    assert pieter.phone in jeanne.get(url).content.decode()


@pytest.mark.parametrize("who", ["marc", "sofie", "bob"])
def test_it_gives_a_stranger_404_for_the_request(shopping, who, request, login):
    stranger = request.getfixturevalue(who)
    assert login(stranger).get(reverse("request_detail", args=[shopping.pk])).status_code == 404


def test_it_lets_a_coordinator_see_everything(shopping, claire, login):
    body = login(claire).get(reverse("request_detail", args=[shopping.pk])).content.decode()
    assert JEANNE_STREET in body


def test_it_blurs_the_point_a_helpper_is_shown(shopping, pieter):
    from marketplace import selectors

    shared = selectors.shares_contact(request=shopping, user=pieter)
    view = selectors.place_view(request=shopping, shared=shared, distance_m=2400)

    exact = shopping.place.location
    assert view.address is None
    assert (view.latitude, view.longitude) != (exact.y, exact.x)
    assert abs(view.latitude - exact.y) < 0.0045 and abs(view.longitude - exact.x) < 0.0075
    assert view.distance == "environ 2,5 km"  # in French, the site's default language
