"""Candidate search: every hard constraint, ranking with reasons, and a constant query count."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from marketplace.choices import Category
from marketplace.models import AvailabilitySlot, Block, HelpRequest, Lapse, Review, Visit
from matching import reasons, services
from tests import factories


def ids(request, **kwargs):
    return [c.helpper_id for c in services.candidates_for(request=request, **kwargs)]


def test_it_finds_the_helpper_nearby(shopping, pieter):
    assert ids(shopping) == [pieter.pk]


def test_it_leaves_out_the_far_and_the_wrong_category(shopping, pieter, marc, sofie):
    assert ids(shopping) == [pieter.pk]


def test_it_needs_a_slot_covering_the_visit(shopping, pieter):
    AvailabilitySlot.objects.filter(profile__user=pieter).update(start=time(11))
    assert ids(shopping) == []


def test_it_leaves_out_a_helpper_busy_with_another_visit_then(shopping, pieter, bob):
    other = factories.help_request(helppie=bob, place=factories.place_at(bob, "1000"))
    Visit.objects.filter(request=other).update(helpper=pieter, status=Visit.Status.PLANNED)
    assert ids(shopping) == []


def test_it_respects_the_weekly_capacity(jeanne, claire, bob):
    busy = factories.helpper(postcode="1000", by=claire)
    busy.helpper_profile.weekly_capacity_hours = 2
    busy.helpper_profile.save()
    request = factories.help_request(helppie=jeanne)
    visit = request.visits.get()
    # Two hours already planned the same week, at another time of day.
    other = factories.help_request(helppie=bob, place=factories.place_at(bob, "1000"))
    Visit.objects.filter(request=other).update(
        helpper=busy,
        status=Visit.Status.PLANNED,
        starts_at=visit.starts_at + timedelta(hours=4),
        ends_at=visit.starts_at + timedelta(hours=6),
    )
    assert ids(request) == []


@pytest.mark.parametrize("direction", ["helppie blocks", "helpper blocks"])
def test_it_leaves_out_people_who_blocked_each_other(shopping, pieter, direction):
    jeanne = shopping.helppie
    blocker, blocked = (jeanne, pieter) if direction == "helppie blocks" else (pieter, jeanne)
    Block.objects.create(blocker=blocker, blocked=blocked)
    assert ids(shopping) == []


def test_it_needs_a_car_when_the_request_does(jeanne, pieter, claire):
    driver = factories.helpper(postcode="1000", has_car=True, by=claire)
    lift = factories.help_request(helppie=jeanne, category=Category.TRANSPORT, car_needed=True)
    assert ids(lift) == [driver.pk]


def test_it_leaves_out_the_unvetted_the_paused_and_other_languages(shopping, claire):
    factories.helpper(postcode="1050", vetted=False, by=claire)
    factories.helpper(postcode="1050", paused=True, by=claire)
    factories.helpper(postcode="1050", languages=("en",), by=claire)
    assert ids(shopping) == []


def test_it_respects_both_radii(jeanne, claire):
    factories.helpper(postcode="1000", radius_m=1000, by=claire)
    assert ids(factories.help_request(helppie=jeanne)) == []
    near = factories.helpper(postcode="1000", radius_m=5000, by=claire)
    assert ids(factories.help_request(helppie=jeanne)) == [near.pk]
    assert ids(factories.help_request(helppie=jeanne, max_distance_m=1000)) == []


def done_visits(helppie, helpper, n, rating=None):
    for day in range(n):
        request = factories.help_request(helppie=helppie, days_ahead=10 + day)
        visit = request.visits.get()
        Visit.objects.filter(pk=visit.pk).update(
            helpper=helpper,
            status=Visit.Status.DONE,
            starts_at=visit.starts_at - timedelta(days=40),
            ends_at=visit.ends_at - timedelta(days=40),
        )
        HelpRequest.objects.filter(pk=request.pk).update(status=HelpRequest.Status.DONE)
        if rating:
            Review.objects.create(visit=visit, author=helppie, subject=helpper, rating=rating)


def test_it_prefers_a_familiar_face_over_a_nearer_stranger(jeanne, claire):
    stranger = factories.helpper(postcode="1050", by=claire)
    familiar = factories.helpper(postcode="1000", first_name="Pieter", by=claire)
    done_visits(jeanne, familiar, 4, rating=5)
    request = factories.help_request(helppie=jeanne)

    ranked = services.candidates_for(request=request)

    assert [c.helpper_id for c in ranked] == [familiar.pk, stranger.pk]
    with translation.override("en"):
        text = reasons.sentence(ranked[0].reasons)
    assert "helped Jeanne 4 times" in text and "km away" in text and "speaks French" in text


def test_a_familiar_face_beyond_the_nearest_is_still_found(jeanne, claire):
    familiar = factories.helpper(postcode="1000", by=claire)
    done_visits(jeanne, familiar, 2)
    for _ in range(3):
        factories.helpper(postcode="1050", by=claire)
    request = factories.help_request(helppie=jeanne)
    assert familiar.pk in ids(request, limit=2)


def test_a_badly_rated_familiar_face_gets_no_continuity_bonus(jeanne, claire):
    stranger = factories.helpper(postcode="1050", by=claire)
    disliked = factories.helpper(postcode="1050", by=claire)
    done_visits(jeanne, disliked, 3, rating=1)
    request = factories.help_request(helppie=jeanne)
    assert ids(request)[0] == stranger.pk


def test_it_ranks_an_unreliable_helpper_lower(jeanne, claire, bob):
    reliable = factories.helpper(postcode="1050", by=claire)
    unreliable = factories.helpper(postcode="1050", by=claire)
    other = factories.help_request(helppie=bob, place=factories.place_at(bob, "1000"))
    for _ in range(2):
        Lapse.objects.create(helpper=unreliable, visit=other.visits.get(), kind=Lapse.Kind.MISSED)
    request = factories.help_request(helppie=jeanne)
    ranked = services.candidates_for(request=request)
    assert [c.helpper_id for c in ranked] == [reliable.pk, unreliable.pk]
    with translation.override("en"):
        assert "cancelled or missed 2 visits lately" in reasons.sentence(ranked[1].reasons)


def test_it_spreads_hours_to_the_less_busy(jeanne, claire, bob):
    idle = factories.helpper(postcode="1050", by=claire)
    busy = factories.helpper(postcode="1050", by=claire)
    request = factories.help_request(helppie=jeanne)
    visit = request.visits.get()
    other = factories.help_request(helppie=bob, place=factories.place_at(bob, "1000"))
    Visit.objects.filter(request=other).update(
        helpper=busy,
        status=Visit.Status.PLANNED,
        starts_at=visit.starts_at + timedelta(hours=3),
        ends_at=visit.starts_at + timedelta(hours=5),
    )
    assert ids(request) == [idle.pk, busy.pk]


def test_the_number_of_queries_does_not_grow_with_candidates(jeanne, claire):
    request = factories.help_request(helppie=jeanne)

    def queries_with(n):
        while len(ids(request)) < n:
            helpper = factories.helpper(postcode="1050", by=claire)
            done_visits(jeanne, helpper, 1, rating=4)
        fresh = HelpRequest.objects.select_related("helppie").get(pk=request.pk)
        with CaptureQueriesContext(connection) as captured:
            found = services.candidates_for(request=fresh)
        assert len(found) == n
        return len(captured)

    assert queries_with(1) == queries_with(8)


def test_the_search_uses_the_gist_index(shopping, pieter):
    from matching import search

    need = search.Need.for_visit(shopping.visits.get(), shopping)
    params = need.params(limit=20, familiar=[], exclude=[])
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + search.CANDIDATES_SQL, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    # The nearest-first index of the working helppers doing the request's category.
    assert "helpper_working_shopping" in plan and "Order By" in plan


def test_every_category_has_its_nearest_first_index(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'marketplace_helpperprofile'"
        )
        indexes = {row[0] for row in cursor.fetchall()}
    assert {f"helpper_working_{category}" for category in Category.values} <= indexes
