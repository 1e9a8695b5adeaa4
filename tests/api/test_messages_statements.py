"""Messages and statements through the API: the same services and access rules as the pages."""

from __future__ import annotations

import pytest

from marketplace.models import Message, Offer
from payments_stub import billing
from payments_stub.models import Statement
from tests.payments.conftest import last_month, logged_and_validated, visit_done


@pytest.fixture
def offered(shopping, pieter):
    return Offer.objects.create(request=shopping, helpper=pieter)


def thread(request, helpper) -> str:
    return f"/api/v1/conversations/{request.pk}/{helpper.pk}/messages/"


def test_a_helpper_who_offered_writes_and_the_helppie_reads_it(
    offered, shopping, pieter, jeanne, app
):
    sent = app(pieter).post(thread(shopping, pieter), {"body": "Bonjour, quel magasin ?"})

    assert sent.status_code == 201
    assert sent.json()["mine"] is True and sent.json()["notice"] is None
    inbox = app(jeanne).get("/api/v1/conversations/").json()
    assert inbox == [
        {
            "request": shopping.pk,
            "helpper": pieter.pk,
            "other_name": "Pieter J.",
            "last_at": inbox[0]["last_at"],
            "unread": 1,
        }
    ]
    read = app(jeanne).get(thread(shopping, pieter)).json()
    assert [(m["body"], m["mine"]) for m in read] == [("Bonjour, quel magasin ?", False)]
    assert Message.objects.get().read_at is not None


def test_an_empty_message_is_refused_in_french_and_nothing_is_saved(offered, shopping, pieter, app):
    response = app(pieter, "fr").post(thread(shopping, pieter), {"body": "   "})

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "body"
    assert response.json()["errors"][0]["detail"] == "Ce champ ne peut être vide."
    assert not Message.objects.exists()


@pytest.mark.parametrize("who", ["bob", "sofie"])
def test_others_cannot_read_or_write_a_conversation(offered, shopping, pieter, who, request, app):
    client = app(request.getfixturevalue(who))

    assert client.get(thread(shopping, pieter)).status_code == 404
    assert client.post(thread(shopping, pieter), {"body": "Coucou"}).status_code == 404
    assert not Message.objects.exists()


def test_statements_are_listed_and_read_by_their_person_only(shopping, pieter, jeanne, bob, app):
    logged_and_validated(visit_done(shopping, pieter, minutes=90))
    billing.billing_run(month=last_month())
    mine = Statement.objects.get(person=jeanne)

    listed = app(jeanne).get("/api/v1/statements/").json()
    detail = app(jeanne).get(f"/api/v1/statements/{mine.pk}/").json()

    assert [s["id"] for s in listed["results"]] == [mine.pk]
    assert detail["kind"] == "helppie" and detail["total_cents"] == mine.total_cents
    assert detail["lines"][0]["minutes"] == 90
    assert detail["lines"][0]["other_name"] == "Pieter Janssens"
    assert app(bob).get(f"/api/v1/statements/{mine.pk}/").status_code == 404
    assert app(pieter).get(f"/api/v1/statements/{mine.pk}/").status_code == 404
    assert app(bob).get("/api/v1/statements/").json()["count"] == 0
