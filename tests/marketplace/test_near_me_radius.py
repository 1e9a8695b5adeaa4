"""The edges of "requests near me" and how PostgreSQL plans it.

The radii are compared with `<->` (sphere) behind a box test rather than `ST_DWithin`
(spheroid), so the planner sees how many places are near (marketplace.selectors): the edges must
still fall where people expect them, and the estimate must not collapse to one row again.
"""

import json

from django.contrib.gis.db.models.functions import Distance
from django.db import connection

from marketplace import geo, selectors
from marketplace.models import Place
from tests import factories

METRES_PER_DEGREE_LAT = 111_250  # near 50.8° N; the test measures the true distance anyway


def place_north_of(owner, origin, metres: float) -> Place:
    location = geo.point(origin.y + metres / METRES_PER_DEGREE_LAT, origin.x)
    return Place.objects.create(
        owner=owner,
        street="Rue du Test 1",
        postcode="1000",
        refnis="21004",
        municipality="Bruxelles",
        location=location,
    )


def true_metres(place: Place, origin) -> float:
    return Place.objects.annotate(d=Distance("location", origin)).get(pk=place.pk).d.m


def test_the_helppers_radius_keeps_just_inside_and_drops_just_outside(jeanne, claire):
    helpper = factories.helpper(postcode="1000", radius_m=3000, by=claire)
    home = helpper.helpper_profile.location
    inside = place_north_of(jeanne, home, 2950)
    outside = place_north_of(jeanne, home, 3050)
    assert true_metres(inside, home) < 3000 < true_metres(outside, home)
    seen = factories.help_request(helppie=jeanne, place=inside, max_distance_m=10_000)
    unseen = factories.help_request(helppie=jeanne, place=outside, max_distance_m=10_000)
    near = set(selectors.open_requests_near(helpper=helpper))
    assert seen in near
    assert unseen not in near
    assert selectors.OpenRequestsNear(helpper=helpper).ids == [seen.pk]


def test_the_requests_own_maximum_distance_keeps_just_inside_and_drops_just_outside(jeanne, claire):
    helpper = factories.helpper(postcode="1000", radius_m=10_000, by=claire)
    home = helpper.helpper_profile.location
    place = place_north_of(jeanne, home, 2000)
    metres = true_metres(place, home)
    reaches = factories.help_request(helppie=jeanne, place=place, max_distance_m=int(metres) + 30)
    short = factories.help_request(helppie=jeanne, place=place, max_distance_m=int(metres) - 30)
    near = set(selectors.open_requests_near(helpper=helpper))
    assert reaches in near
    assert short not in near
    assert selectors.OpenRequestsNear(helpper=helpper).ids == [reaches.pk]


def test_the_planner_expects_more_than_one_row_when_many_are_near(jeanne, claire):
    """With `ST_DWithin` PostGIS 3.3 estimated one row whatever the distance, and the helppie
    was then joined by scanning every user for each request found."""
    helpper = factories.helpper(postcode="1000", radius_m=8000, by=claire)
    home = helpper.helpper_profile.location
    for n in range(40):
        factories.help_request(
            helppie=jeanne, place=place_north_of(jeanne, home, 50 * n), max_distance_m=10_000
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE marketplace_place, marketplace_helprequest")
    query = selectors.open_requests_near(helpper=helpper).select_related("place", "helppie")
    plan = json.loads(query[:100].explain(format="json"))[0]["Plan"]
    assert plan["Plan Rows"] > 1
