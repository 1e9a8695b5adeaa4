"""Who sees a request under "requests near me", and who does not."""

import pytest
from django.urls import reverse

from marketplace import selectors
from marketplace.choices import Category
from tests import factories


def sees(helpper, request) -> bool:
    return selectors.open_requests_near(helpper=helpper).filter(pk=request.pk).exists()


def test_it_shows_an_open_request_to_a_vetted_helpper_in_range(shopping, pieter):
    assert sees(pieter, shopping)


def test_it_hides_it_from_a_helpper_out_of_range(shopping, marc):
    assert not sees(marc, shopping)


def test_it_hides_it_from_a_helpper_without_the_category(shopping, sofie):
    assert not sees(sofie, shopping)


def test_it_respects_the_helppers_own_radius(shopping, claire):
    # Ixelles' centre is about 2.5 km from Brussels' centre.
    near_but_unwilling = factories.helpper(postcode="1000", radius_m=1000, by=claire)
    assert not sees(near_but_unwilling, shopping)


def test_it_respects_the_requests_maximum_distance(jeanne, pieter):
    close_only = factories.help_request(helppie=jeanne, max_distance_m=1000)
    assert not sees(pieter, close_only)


@pytest.mark.parametrize(
    "profile",
    [
        {"vetted": False},
        {"paused": True},
        {"languages": ("en",)},
    ],
    ids=["not vetted", "paused", "no shared language"],
)
def test_it_hides_it_from_helppers_who_cannot_take_it(shopping, claire, profile):
    assert not sees(factories.helpper(postcode="1000", by=claire, **profile), shopping)


def test_it_hides_a_request_needing_a_car_from_helppers_without_one(jeanne, pieter, claire):
    lift = factories.help_request(helppie=jeanne, category=Category.TRANSPORT, car_needed=True)
    driver = factories.helpper(postcode="1000", has_car=True, by=claire)
    assert not sees(pieter, lift)
    assert sees(driver, lift)


def test_it_orders_requests_nearest_first(jeanne, pieter, bob):
    far = factories.help_request(helppie=bob, place=factories.place_at(bob, "1030"))
    near = factories.help_request(helppie=jeanne, place=factories.place_at(jeanne, "1000"))
    assert list(selectors.open_requests_near(helpper=pieter)) == [near, far]


def test_it_lists_requests_in_a_constant_number_of_queries(jeanne, pieter, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = login(pieter)

    def queries_for_a_page_of(n: int) -> int:
        while jeanne.help_requests.count() < n:
            factories.help_request(helppie=jeanne)
        with CaptureQueriesContext(connection) as captured:
            response = browser.get(reverse("near_me"))
        assert response.content.decode().count('<li class="card">') == n
        return len(captured)

    assert queries_for_a_page_of(1) == queries_for_a_page_of(6)
