"""Messages and statements through the API: the same services and access rules as the pages."""

from __future__ import annotations

import pytest

from marketplace import services
from marketplace.models import Message, Offer
from payments_stub import billing
from payments_stub.models import Statement
from tests import factories
from tests.payments.conftest import last_month, logged_and_validated, visit_done

CONVERSATIONS = "/api/v1/conversations/"


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
    inbox = app(jeanne).get("/api/v1/conversations/").json()["results"]
    assert inbox == [
        {
            "request": shopping.pk,
            "helpper": pieter.pk,
            "other_name": "Pieter J.",
            "last_at": inbox[0]["last_at"],
            "unread": 1,
        }
    ]
    read = app(jeanne).get(thread(shopping, pieter)).json()["results"]
    assert [(m["body"], m["mine"]) for m in read] == [("Bonjour, quel magasin ?", False)]
    assert Message.objects.get().read_at is not None


def test_the_conversations_are_paged_and_filtered_to_the_unread_ones(jeanne, pieter, app):
    for n in range(3):
        request = factories.help_request(helppie=jeanne)
        Offer.objects.create(request=request, helpper=pieter)
        services.message_send(request=request, helpper=pieter, sender=pieter, body=f"Salut {n}")
    services.messages_mark_read(request=request, helpper=pieter, reader=jeanne)
    client = app(jeanne)

    first = client.get(CONVERSATIONS, {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    unread = client.get(CONVERSATIONS, {"unread": "true"}).json()
    read = client.get(CONVERSATIONS, {"unread": "false"}).json()

    assert first["count"] == 3 and len(first["results"]) == 2
    assert len(second["results"]) == 1 and second["next"] is None
    assert unread["count"] == 2 and all(c["unread"] == 1 for c in unread["results"])
    assert [c["request"] for c in read["results"]] == [request.pk]


def test_someone_elses_conversations_are_not_listed(offered, shopping, pieter, bob, sofie, app):
    services.message_send(request=shopping, helpper=pieter, sender=pieter, body="Bonjour")

    assert app(bob).get(CONVERSATIONS).json()["count"] == 0
    assert app(sofie).get(CONVERSATIONS).json()["count"] == 0


def test_a_long_thread_is_paged_oldest_first_and_read_at_once(
    offered, shopping, pieter, jeanne, app, django_assert_max_num_queries
):
    for n in range(5):
        services.message_send(request=shopping, helpper=pieter, sender=pieter, body=f"Mot {n}")
    client = app(jeanne)

    with django_assert_max_num_queries(10):
        first = client.get(thread(shopping, pieter), {"page_size": 2}).json()
    last = client.get(thread(shopping, pieter), {"page_size": 2, "page": "last"}).json()

    assert first["count"] == 5
    assert [m["body"] for m in first["results"]] == ["Mot 0", "Mot 1"]
    assert [m["body"] for m in last["results"]] == ["Mot 4"]
    assert not Message.objects.filter(read_at__isnull=True).exists()


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
