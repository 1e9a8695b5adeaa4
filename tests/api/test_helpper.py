"""The helpper's side through the API: the feed of requests nearby (as private as the page),
invitations, visits, hours and earnings."""

from __future__ import annotations

import dataclasses
from datetime import time, timedelta

import pytest
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer

from api import presenters
from api import serializers as s
from marketplace import selectors
from marketplace.models import Offer
from matching.models import Invitation
from payments_stub import services as payments
from payments_stub.models import HoursLog
from tests import factories
from tests.conftest import JEANNE_PHONE, JEANNE_STREET
from tests.payments.conftest import visit_done

FEED = "/api/v1/feed/"


def test_the_feed_shows_the_request_blurred_and_rounded_exactly_like_the_page(
    shopping, pieter, app
):
    body = app(pieter).get(FEED).json()

    assert body["count"] == 1
    item = body["results"][0]
    nearby = selectors.open_requests_near(helpper=pieter).get()
    expected = selectors.place_view(request=shopping, shared=False, distance_m=nearby.distance.m)
    assert item["place"] == {
        "area": expected.area,
        "address": None,
        "latitude": expected.latitude,
        "longitude": expected.longitude,
        "distance": expected.distance,
    }
    assert item["place"]["latitude"] != shopping.place.location.y
    assert item["helppie_name"] == "Jeanne D."


def test_the_feed_carries_no_street_and_no_phone(shopping, pieter, app):
    text = app(pieter).get(FEED).content.decode()

    assert JEANNE_STREET not in text and "Trône" not in text
    assert JEANNE_PHONE not in text and "jeanne@example.org" not in text
    assert "Dupont" not in text


def test_the_feed_filters_by_category(jeanne, pieter, app):
    factories.help_request(helppie=jeanne, category="shopping")
    factories.help_request(helppie=jeanne, category="meals")

    body = app(pieter).get(FEED, {"category": "meals"}).json()

    assert [r["category"] for r in body["results"]] == ["meals"]


def test_the_feed_is_empty_far_away_and_for_an_unvetted_helpper(shopping, marc, app):
    unvetted = factories.helpper(postcode="1050", vetted=False)

    assert app(marc).get(FEED).json()["count"] == 0
    assert app(unvetted).get(FEED).json()["count"] == 0


def test_the_feed_stays_a_few_queries_however_long(
    jeanne, pieter, app, django_assert_max_num_queries
):
    for _ in range(8):
        factories.help_request(helppie=jeanne)
    client = app(pieter)

    with django_assert_max_num_queries(7):
        response = client.get(FEED)

    assert response.json()["count"] == 8


def test_the_feed_counts_and_pages_only_the_nearest(jeanne, pieter, app, monkeypatch):
    monkeypatch.setattr(selectors, "NEAR_ME_LIMIT", 3)  # 100 in production, as on the page
    for _ in range(5):
        factories.help_request(helppie=jeanne)
    client = app(pieter)

    first = client.get(FEED, {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert first["count"] == 3 and len(first["results"]) == 2
    assert len(second["results"]) == 1 and second["next"] is None
    assert client.get(FEED, {"page_size": 2, "page": 3}).status_code == 404


def test_the_feed_filters_by_car_needed(jeanne, claire, app):
    driver = factories.helpper(postcode="1000", has_car=True, by=claire)
    lift = factories.help_request(helppie=jeanne, category="transport", car_needed=True)
    factories.help_request(helppie=jeanne, category="transport")

    body = app(driver).get(FEED, {"car_needed": "true"}).json()

    assert [r["id"] for r in body["results"]] == [lift.pk]


def test_the_feed_refuses_an_unknown_category_in_the_error_shape(pieter, app):
    response = app(pieter).get(FEED, {"category": "astrology"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "category"


def test_the_feed_marks_the_requests_i_offered_on(shopping, pieter, app):
    Offer.objects.create(request=shopping, helpper=pieter)

    assert app(pieter).get(FEED).json()["results"][0]["my_offer"] == "pending"


def test_the_feed_writes_its_cards_exactly_as_its_serializer_would(shopping, pieter, claire):
    """The cards are written without FeedItemSerializer (presenters.feed_item), which still
    describes them in the schema: both give the same JSON, byte for byte."""
    Offer.objects.create(request=shopping, helpper=pieter)
    nameless = factories.UserFactory(first_name="", last_name="", is_helppie=True)
    factories.help_request(helppie=nameless, place=factories.place_at(nameless, "1000"))

    with translation.override("nl"):  # translated labels, "ongeveer 2,5 km", "Een buur"
        cards = list(selectors.OpenRequestsNear(helpper=pieter))
        written = [presenters.feed_item(card) for card in cards]
        serialized = s.FeedItemSerializer(
            [
                {
                    **{field.name: getattr(card, field.name) for field in dataclasses.fields(card)},
                    "category_label": card.category_label,
                    "place": dataclasses.asdict(card.place),
                }
                for card in cards
            ],
            many=True,
        ).data

    assert len(cards) == 2 and {card.my_offer for card in cards} == {"pending", None}
    assert JSONRenderer().render(written) == JSONRenderer().render(serialized)


def test_a_helpper_answers_an_invitation_and_it_becomes_an_offer(shopping, pieter, app):
    invitation = factories.invitation(shopping, pieter, hours=24)
    client = app(pieter)
    assert [i["id"] for i in client.get("/api/v1/invitations/").json()["results"]] == [
        invitation.pk
    ]

    response = client.post(f"/api/v1/invitations/{invitation.pk}/answer/", {"interested": True})

    assert response.status_code == 200
    assert response.json()["status"] == "interested"
    assert Offer.objects.filter(request=shopping, helpper=pieter).exists()
    assert client.get("/api/v1/invitations/").json()["count"] == 0


def test_not_interested_is_recorded(shopping, pieter, app):
    invitation = factories.invitation(shopping, pieter, hours=24)

    response = app(pieter).post(
        f"/api/v1/invitations/{invitation.pk}/answer/", {"interested": False}
    )

    assert response.json()["status"] == "declined"
    assert not Offer.objects.exists()


def test_someone_elses_invitation_is_404(shopping, pieter, sofie, app):
    invitation = factories.invitation(shopping, pieter, hours=24)

    response = app(sofie).post(f"/api/v1/invitations/{invitation.pk}/answer/", {"interested": True})

    assert response.status_code == 404
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.INVITED


def test_an_expired_invitation_says_so(shopping, pieter, app):
    invitation = factories.invitation(shopping, pieter, hours=-1)

    response = app(pieter).post(
        f"/api/v1/invitations/{invitation.pk}/answer/", {"interested": True}
    )

    assert response.status_code == 400
    assert "expired" in response.json()["errors"][0]["detail"]


def test_my_visits_and_logging_their_hours(shopping, pieter, app):
    visit = visit_done(shopping, pieter, minutes=120)
    client = app(pieter)
    listed = client.get("/api/v1/visits/").json()["results"]
    assert [(v["id"], v["hours_logged"]) for v in listed] == [(visit.pk, False)]
    assert JEANNE_STREET not in str(listed)

    response = client.post(
        f"/api/v1/visits/{visit.pk}/hours/",
        {
            "started_at": visit.starts_at.isoformat(),
            "ended_at": visit.ends_at.isoformat(),
            "break_minutes": 15,
        },
    )

    assert response.status_code == 201, response.json()
    assert response.json()["minutes"] == 105 and response.json()["status"] == "submitted"
    assert HoursLog.objects.get(visit=visit).helpper == pieter
    assert client.get("/api/v1/visits/").json()["results"][0]["hours_logged"] is True
    assert client.get("/api/v1/hours/").json()["count"] == 1


def test_hours_that_make_no_sense_are_refused_under_their_field_in_french(shopping, pieter, app):
    visit = visit_done(shopping, pieter)

    response = app(pieter, "fr").post(
        f"/api/v1/visits/{visit.pk}/hours/",
        {"started_at": visit.ends_at.isoformat(), "ended_at": visit.starts_at.isoformat()},
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "ended_at"
    assert (
        response.json()["errors"][0]["detail"]
        == "L'heure de fin doit venir après l'heure de début."
    )
    assert not HoursLog.objects.exists()


@pytest.mark.parametrize("who", ["jeanne", "bob", "sofie"])
def test_only_the_helpper_logs_hours_of_a_visit(shopping, pieter, who, request, app):
    visit = visit_done(shopping, pieter)

    response = app(request.getfixturevalue(who)).post(
        f"/api/v1/visits/{visit.pk}/hours/",
        {"started_at": visit.starts_at.isoformat(), "ended_at": visit.ends_at.isoformat()},
    )

    assert response.status_code == 404
    assert not HoursLog.objects.exists()


def test_earnings_show_the_month_the_year_and_the_cap(shopping, pieter, app):
    # An hour that began at midnight today (yesterday in the first hour of a day).
    now = timezone.localtime()
    day = now.date() if now.hour >= 1 else now.date() - timedelta(days=1)
    visit = visit_done(shopping, pieter, day=day, start=time(0), minutes=60)
    hours = payments.hours_log(
        visit=visit, helpper=pieter, started_at=visit.starts_at, ended_at=visit.ends_at
    )
    payments.hours_validate(hours=hours, by=shopping.helppie)

    body = app(pieter).get("/api/v1/earnings/").json()

    this_month, this_year = day.month == now.month, day.year == now.year
    assert body["this_month"]["gross_cents"] == (800 if this_month else 0)
    assert body["this_year"]["minutes"] == (60 if this_year else 0)
    assert body["this_year"]["net_cents"] == (
        body["this_year"]["gross_cents"] - body["this_year"]["withheld_cents"]
    )
    assert body["cap"]["earned_cents"] == (800 if this_year else 0)
    assert body["cap"]["blocked"] is False


def test_the_helppie_validates_logged_hours_and_a_stranger_cannot(shopping, pieter, bob, app):
    hours = payments.hours_log(
        visit=(visit := visit_done(shopping, pieter)),
        helpper=pieter,
        started_at=visit.starts_at,
        ended_at=visit.ends_at,
    )

    assert app(bob).post(f"/api/v1/hours/{hours.pk}/validate/").status_code == 404
    response = app(shopping.helppie).post(f"/api/v1/hours/{hours.pk}/validate/")

    assert response.status_code == 200
    assert response.json()["status"] == "validated" and response.json()["gross_cents"] == 800


def test_a_dispute_needs_a_reason_in_french(shopping, pieter, app):
    visit = visit_done(shopping, pieter)
    hours = payments.hours_log(
        visit=visit, helpper=pieter, started_at=visit.starts_at, ended_at=visit.ends_at
    )
    client = app(shopping.helppie, "fr")

    refused = client.post(f"/api/v1/hours/{hours.pk}/dispute/", {"reason": ""})
    disputed = client.post(f"/api/v1/hours/{hours.pk}/dispute/", {"reason": "Une heure, pas deux"})

    assert refused.status_code == 400 and refused.json()["errors"][0]["attr"] == "reason"
    assert "quelques mots" in refused.json()["errors"][0]["detail"]
    assert disputed.json()["status"] == "disputed"
