"""Who sees a request under "requests near me", and who does not."""

import pytest
from django.urls import reverse

from marketplace import geo, selectors
from marketplace.choices import Category
from marketplace.geocoding import gazetteer
from marketplace.models import HelpRequest
from tests import factories


def sees(helpper, request) -> bool:
    """Asked of both readings of the rule, which must agree: the ORM's (access checks, the page)
    and the feed's SQL (selectors.OpenRequestsNear)."""
    seen = selectors.open_requests_near(helpper=helpper).filter(pk=request.pk).exists()
    assert (request.pk in selectors.OpenRequestsNear(helpper=helpper).ids) == seen
    return seen


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


def test_it_follows_a_place_whose_point_changes(shopping, pieter):
    # The feed reads the request's copy of the point (kept by triggers, migration 0008).
    liege = gazetteer().municipality_for_postcode("4000")
    place = shopping.place
    place.location = geo.point(liege.latitude, liege.longitude)
    place.save()

    assert not sees(pieter, shopping)


def test_it_follows_a_request_moved_to_another_place(shopping, jeanne, marc):
    assert not sees(marc, shopping)
    HelpRequest.objects.filter(pk=shopping.pk).update(place=factories.place_at(jeanne, "4000"))

    assert sees(marc, shopping)


def test_it_orders_requests_nearest_first(jeanne, pieter, bob):
    far = factories.help_request(helppie=bob, place=factories.place_at(bob, "1030"))
    near = factories.help_request(helppie=jeanne, place=factories.place_at(jeanne, "1000"))
    assert list(selectors.open_requests_near(helpper=pieter)) == [near, far]
    assert selectors.OpenRequestsNear(helpper=pieter).ids == [near.pk, far.pk]


def test_the_list_keeps_only_the_nearest(jeanne, pieter, bob):
    far = factories.help_request(helppie=bob, place=factories.place_at(bob, "1030"))
    near = factories.help_request(helppie=jeanne, place=factories.place_at(jeanne, "1000"))

    nearby = selectors.OpenRequestsNear(helpper=pieter, limit=1)

    assert nearby.ids == [near.pk] and far.pk not in nearby.ids


def test_the_list_narrows_to_the_category_and_car_asked(jeanne, claire):
    driver = factories.helpper(postcode="1000", has_car=True, by=claire)
    meals = factories.help_request(helppie=jeanne, category=Category.MEALS)
    lift = factories.help_request(helppie=jeanne, category=Category.TRANSPORT, car_needed=True)
    walk = factories.help_request(helppie=jeanne, category=Category.TRANSPORT)

    def ids(**wanted):
        return set(selectors.OpenRequestsNear(helpper=driver, **wanted).ids)

    assert ids() == {meals.pk, lift.pk, walk.pk}
    assert ids(category=Category.TRANSPORT) == {lift.pk, walk.pk}
    assert ids(car_needed=True) == {lift.pk}
    assert ids(category=Category.MEALS, car_needed=False) == {meals.pk}


def test_a_card_shows_the_same_blurred_place_as_the_page(shopping, pieter):
    nearby = selectors.open_requests_near(helpper=pieter).select_related("place").get()
    page = selectors.place_view(request=nearby, shared=False, distance_m=nearby.distance.m)

    (card,) = selectors.OpenRequestsNear(helpper=pieter)

    assert card.place == page and card.place.address is None
    assert (card.place.latitude, card.place.longitude) != (
        shopping.place.location.y,
        shopping.place.location.x,
    )
    assert card.helppie_name == "Jeanne D."


def test_a_request_closed_after_the_list_was_read_leaves_its_card_out(shopping, pieter):
    nearby = selectors.OpenRequestsNear(helpper=pieter)
    assert nearby.ids == [shopping.pk]
    HelpRequest.objects.filter(pk=shopping.pk).update(status=HelpRequest.Status.CANCELLED)

    assert nearby[:] == []


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


def test_the_page_says_which_requests_the_helpper_already_offered_on(shopping, pieter, login):
    from marketplace import services

    assert pieter.preferred_language == "nl"
    offered = "U hebt uw hulp aangeboden"
    browser = login(pieter)
    assert offered not in browser.get(reverse("near_me")).content.decode()
    services.offer_make(request=shopping, helpper=pieter)
    assert offered in browser.get(reverse("near_me")).content.decode()
    assert offered in browser.get(reverse("home")).content.decode()
