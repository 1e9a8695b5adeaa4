"""The visits list serves both sides: Jeanne (a helppie) sees the visits of her own requests and
who is coming, named in full only once she has chosen them; Pieter (a helpper) sees the visits
he comes to. Nobody sees anyone else's, and a stranger's visit answers 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace import services
from marketplace.models import Offer, Visit
from tests import factories
from tests.conftest import JEANNE_PHONE, JEANNE_STREET

VISITS = "/api/v1/visits/"


def chosen(request, helpper):
    """Jeanne chooses the helpper's offer: the request's visits are theirs now."""
    offer = Offer.objects.create(request=request, helpper=helpper)
    services.offer_accept(offer=offer, by=request.helppie)
    return request.visits.get()


def ids(response) -> list[int]:
    return [v["id"] for v in response.json()["results"]]


def test_it_lists_the_visits_of_the_helppies_own_requests(shopping, jeanne, app):
    visit = shopping.visits.get()

    body = app(jeanne).get(VISITS).json()

    assert body["count"] == 1
    row = body["results"][0]
    assert (row["id"], row["request"], row["role"]) == (visit.pk, shopping.pk, "helppie")
    assert row["helpper"] is None  # nobody is coming yet
    assert JEANNE_STREET not in str(row)


def test_it_names_who_is_coming_with_their_phone_once_chosen(shopping, jeanne, pieter, app):
    chosen(shopping, pieter)

    row = app(jeanne).get(VISITS).json()["results"][0]

    assert row["helpper"] == {
        "id": pieter.pk,
        "name": "Pieter Janssens",
        "phone": pieter.phone,
        "email": pieter.email,
    }


def test_it_keeps_a_helpper_short_and_without_contact_until_chosen(shopping, jeanne, pieter, app):
    # Pieter took the visit through an invitation, but Jeanne has not chosen him for the request.
    shopping.visits.update(helpper=pieter, status=Visit.Status.PLANNED)

    row = app(jeanne).get(VISITS).json()["results"][0]

    assert row["helpper"] == {"id": pieter.pk, "name": "Pieter J.", "phone": None, "email": None}


def test_another_helppie_sees_none_of_jeannes_visits(shopping, jeanne, pieter, bob, app):
    chosen(shopping, pieter)
    bobs = factories.help_request(helppie=bob)

    listed = app(bob).get(VISITS)

    assert ids(listed) == [bobs.visits.get().pk]
    assert "Dupont" not in listed.content.decode() and JEANNE_PHONE not in listed.content.decode()


def test_a_helpper_sees_only_the_visits_he_comes_to(shopping, jeanne, pieter, sofie, app):
    mine = chosen(shopping, pieter)
    factories.help_request(helppie=jeanne)  # open: nobody comes yet
    other = factories.help_request(helppie=jeanne)
    other.visits.update(helpper=sofie, status=Visit.Status.PLANNED)

    body = app(pieter).get(VISITS).json()

    assert [(v["id"], v["role"]) for v in body["results"]] == [(mine.pk, "helpper")]
    assert body["results"][0]["helppie_name"] == "Jeanne D."
    assert JEANNE_PHONE not in str(body)


@pytest.mark.parametrize("who", ["bob", "sofie"])
def test_a_strangers_visit_answers_404(shopping, pieter, who, request, app):
    visit = chosen(shopping, pieter)

    response = app(request.getfixturevalue(who)).get(f"/api/v1/visits/{visit.pk}/")

    assert response.status_code == 404
    assert response.json()["type"] == "client_error"


def test_it_filters_by_days_from_and_to(jeanne, app):
    soon = factories.help_request(helppie=jeanne, days_ahead=2).visits.get()
    later = factories.help_request(helppie=jeanne, days_ahead=9).visits.get()
    client = app(jeanne)
    day = (timezone.localdate() + timedelta(days=5)).isoformat()
    later_day = timezone.localtime(later.starts_at).date().isoformat()

    assert ids(client.get(VISITS, {"from": day})) == [later.pk]
    assert ids(client.get(VISITS, {"to": day})) == [soon.pk]
    assert ids(client.get(VISITS, {"from": later_day, "to": later_day})) == [later.pk]


def test_it_filters_by_status(shopping, jeanne, pieter, app):
    planned = chosen(shopping, pieter)
    factories.help_request(helppie=jeanne)

    assert ids(app(jeanne).get(VISITS, {"status": "planned"})) == [planned.pk]


def test_a_day_that_is_no_date_is_refused_under_its_name(jeanne, app):
    response = app(jeanne, "fr").get(VISITS, {"from": "demain"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "from"
    assert response.json()["errors"][0]["detail"] == "Saisissez une date valide."


def test_the_list_stays_a_few_queries_however_many_visits_a_request_has(
    shopping, jeanne, pieter, app, django_assert_num_queries
):
    first = chosen(shopping, pieter)
    for week in range(1, 8):
        Visit.objects.create(
            request=shopping,
            helpper=pieter,
            status=Visit.Status.PLANNED,
            starts_at=first.starts_at + timedelta(weeks=week),
            ends_at=first.ends_at + timedelta(weeks=week),
        )
    client = app(jeanne)

    # The session, its user, the count, the page, and one contact check per request and helpper
    # (the pages' rule, selectors.shares_contact), not one per visit.
    with django_assert_num_queries(6):
        response = client.get(VISITS)

    assert response.json()["count"] == 8
