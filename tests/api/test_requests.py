"""A helppie's requests through the API: posting, reading, choosing a helpper, visits done;
the same services as the pages, the same refusals, in the caller's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.models import HelpRequest, Offer, Visit
from matching.models import Invitation
from referrals.models import Case
from tests import factories
from tests.conftest import JEANNE_PHONE, JEANNE_STREET

REQUESTS = "/api/v1/requests/"


def a_request_body(**changes) -> dict:
    body = {
        "category": "shopping",
        "description": "Des courses au marché, le sac est lourd.",
        "starts_on": (timezone.localdate() + timedelta(days=4)).isoformat(),
        "start_time": "10:00",
        "duration_minutes": 90,
        "hourly_allowance_cents": 700,
        "languages": ["fr"],
        "street": "Rue du Trône 12",
        "postcode": "1050",
    }
    return {**body, **changes}


def test_a_helppie_posts_a_request_and_its_visit_is_created(
    jeanne, pieter, app, django_capture_on_commit_callbacks
):
    client = app(jeanne)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REQUESTS, a_request_body())

    assert response.status_code == 201, response.json()
    body = response.json()
    created = HelpRequest.objects.get(pk=body["id"])
    assert created.helppie == jeanne and created.hourly_allowance_cents == 700
    assert created.visits.count() == 1
    assert body["place"]["address"].startswith("Rue du Trône 12, 1050")
    assert body["notice"] is None
    # Posting invites candidates, as the page does: Pieter lives nearby.
    assert Invitation.objects.filter(request=created, helpper=pieter).exists()


def test_a_weekly_request_gets_one_visit_per_chosen_day(jeanne, app):
    start = timezone.localdate() + timedelta(days=1)
    body = a_request_body(
        recurrence="weekly",
        starts_on=start.isoformat(),
        ends_on=(start + timedelta(days=13)).isoformat(),
        weekdays=[start.weekday()],
    )

    response = app(jeanne).post(REQUESTS, body)

    assert response.status_code == 201, response.json()
    assert Visit.objects.filter(request_id=response.json()["id"]).count() == 2


def test_a_request_at_one_of_my_places_reuses_it(jeanne, app):
    place = jeanne.places.get()

    response = app(jeanne).post(REQUESTS, a_request_body(place=place.pk, street="", postcode=""))

    assert response.status_code == 201
    assert HelpRequest.objects.get(pk=response.json()["id"]).place == place


def test_someone_elses_place_is_refused(jeanne, bob, app):
    bobs = factories.place_at(bob, "1000")

    response = app(jeanne).post(REQUESTS, a_request_body(place=bobs.pk))

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "place"
    assert not HelpRequest.objects.exists()


def test_a_crisis_in_the_description_shows_the_numbers_and_opens_a_case(jeanne, app):
    from referrals.social_map import load_shipped

    load_shipped()
    body = a_request_body(description="Je veux mourir, je n'en peux plus.")

    response = app(jeanne, "fr").post(REQUESTS, body)

    assert response.status_code == 201
    notice = response.json()["notice"]
    assert notice["crisis"] is True and notice["services"]
    assert Case.objects.filter(person=jeanne, tier="crisis").exists()


def test_errors_come_back_in_french_under_their_fields_and_nothing_is_written(jeanne, app):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    body = a_request_body(starts_on=yesterday, postcode="9999")

    response = app(jeanne, "fr").post(REQUESTS, body)

    assert response.status_code == 400
    assert response["Content-Language"] == "fr"
    errors = {e["attr"]: e["detail"] for e in response.json()["errors"]}
    assert response.json()["type"] == "validation_error"
    assert errors["starts_on"] == "Cette date est déjà passée."
    assert "9999" in errors["postcode"] and "Belgique" in errors["postcode"]
    assert not HelpRequest.objects.exists()


def test_type_errors_are_translated_too(jeanne, app):
    response = app(jeanne, "nl").post(REQUESTS, a_request_body(duration_minutes="long"))

    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error == {
        "code": "invalid",
        "detail": "Een geldig getal is vereist.",
        "attr": "duration_minutes",
    }


def test_the_allowance_error_is_named_after_the_api_field(jeanne, app):
    response = app(jeanne).post(REQUESTS, a_request_body(hourly_allowance_cents=2000))

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "hourly_allowance_cents"


def test_my_requests_are_listed_and_filtered_in_a_few_queries(
    jeanne, app, django_assert_max_num_queries
):
    for category in ["shopping", "meals", "meals"]:
        factories.help_request(helppie=jeanne, category=category)
    factories.help_request(helppie=factories.UserFactory())  # someone else's
    client = app(jeanne)

    with django_assert_max_num_queries(6):
        response = client.get(REQUESTS, {"category": "meals"})

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert {r["category"] for r in response.json()["results"]} == {"meals"}


def test_an_unknown_filter_value_is_a_validation_error(jeanne, app):
    response = app(jeanne).get(REQUESTS, {"status": "whatever"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "status"


def test_a_page_is_at_most_the_maximum_size(jeanne, app, settings):
    settings.API_MAX_PAGE_SIZE = 2
    for _ in range(3):
        factories.help_request(helppie=jeanne)

    response = app(jeanne).get(REQUESTS, {"page_size": 50})

    assert len(response.json()["results"]) == 2 and response.json()["next"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/requests/{pk}/",
        "/api/v1/requests/{pk}/visits/",
        "/api/v1/requests/{pk}/offers/",
    ],
)
def test_a_stranger_gets_404_for_someone_elses_request(shopping, bob, app, path):
    response = app(bob).get(path.format(pk=shopping.pk))

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_a_helpper_nearby_sees_the_request_blurred_before_being_chosen(shopping, pieter, app):
    body = app(pieter).get(f"{REQUESTS}{shopping.pk}/").json()

    assert body["place"]["address"] is None
    assert body["place"]["area"].startswith("1050 Ixelles")
    assert body["place"]["distance"].startswith("about")
    assert body["helppie"] == {
        "id": shopping.helppie_id,
        "name": "Jeanne D.",
        "phone": None,
        "email": None,
    }
    assert body["visits"] == [] and body["accepted_helpper"] is None
    assert JEANNE_STREET not in str(body) and JEANNE_PHONE not in str(body)


def test_the_helppie_chooses_an_offer_and_contact_details_are_then_shared(
    shopping, jeanne, pieter, app
):
    offered = app(pieter).post(f"{REQUESTS}{shopping.pk}/offers/", {"message": "Avec plaisir"})
    assert offered.status_code == 201
    offer_id = offered.json()["id"]
    before = app(jeanne).get(f"{REQUESTS}{shopping.pk}/offers/").json()
    assert before[0]["helpper"]["name"] == "Pieter J." and before[0]["helpper"]["phone"] is None

    chosen = app(jeanne).post(f"/api/v1/offers/{offer_id}/accept/")

    assert chosen.status_code == 200, chosen.json()
    assert chosen.json()["status"] == "accepted"
    assert chosen.json()["helpper"]["phone"] == "+32 470 12 34 56"
    seen_by_pieter = app(pieter).get(f"{REQUESTS}{shopping.pk}/").json()
    assert seen_by_pieter["place"]["address"].startswith(JEANNE_STREET)
    assert seen_by_pieter["helppie"]["phone"] == JEANNE_PHONE
    assert seen_by_pieter["visits"][0]["status"] == "planned"


def test_offering_twice_is_refused_with_the_services_message(shopping, pieter, app):
    client = app(pieter)
    client.post(f"{REQUESTS}{shopping.pk}/offers/", {})

    again = client.post(f"{REQUESTS}{shopping.pk}/offers/", {})

    assert again.status_code == 400
    assert again.json()["errors"] == [
        {
            "code": "invalid",
            "detail": "You have already offered to help with this request.",
            "attr": None,
        }
    ]


def test_only_the_helppie_may_accept_an_offer(shopping, pieter, bob, app):
    offer = Offer.objects.create(request=shopping, helpper=pieter)

    for someone in (pieter, bob):
        assert app(someone).post(f"/api/v1/offers/{offer.pk}/accept/").status_code == 404
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.PENDING


def test_a_visit_is_marked_done_on_its_day(jeanne, pieter, app):
    today = factories.help_request(helppie=jeanne, days_ahead=0)
    offer = Offer.objects.create(request=today, helpper=pieter)
    app(jeanne).post(f"/api/v1/offers/{offer.pk}/accept/")
    visit = today.visits.get()

    response = app(pieter).post(f"/api/v1/visits/{visit.pk}/done/")

    assert response.status_code == 200
    assert response.json()["status"] == "done"
    assert HelpRequest.objects.get(pk=today.pk).status == HelpRequest.Status.DONE


def test_a_visit_to_come_cannot_be_done_yet_and_says_so_in_dutch(shopping, jeanne, pieter, app):
    offer = Offer.objects.create(request=shopping, helpper=pieter)
    app(jeanne).post(f"/api/v1/offers/{offer.pk}/accept/")
    visit = shopping.visits.get()

    response = app(pieter, "nl").post(f"/api/v1/visits/{visit.pk}/done/")

    assert response.status_code == 400
    assert response["Content-Language"] == "nl"
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.PLANNED


def test_a_stranger_cannot_see_or_finish_a_visit(shopping, bob, app):
    visit = shopping.visits.get()

    assert app(bob).get(f"/api/v1/visits/{visit.pk}/").status_code == 404
    assert app(bob).post(f"/api/v1/visits/{visit.pk}/done/").status_code == 404


def test_a_retry_with_the_same_idempotency_key_posts_nothing_more(jeanne, app):
    client = app(jeanne)
    key = "0b9d3c1e-7a51-4f5e-9a43-2d6f0c8e1b77"
    first = client.post(REQUESTS, a_request_body(), HTTP_IDEMPOTENCY_KEY=key)
    again = client.post(REQUESTS, a_request_body(), HTTP_IDEMPOTENCY_KEY=key)
    other = client.post(
        REQUESTS, a_request_body(), HTTP_IDEMPOTENCY_KEY="5f1e2d3c-4b5a-4697-8877-665544332211"
    )

    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert again.json()["id"] == first.json()["id"] != other.json()["id"]
    assert HelpRequest.objects.filter(helppie=jeanne).count() == 2


def test_an_idempotency_key_that_is_no_uuid_is_refused_in_her_language(jeanne, app):
    response = app(jeanne, "fr").post(REQUESTS, a_request_body(), HTTP_IDEMPOTENCY_KEY="again")

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["attr"] == "Idempotency-Key"
    assert error["detail"] == "L'en-tête Idempotency-Key doit être un UUID."
    assert not HelpRequest.objects.filter(helppie=jeanne).exists()
