"""A small world with something of everyone: Jeanne asked twice (one request Pieter did, logged,
validated and billed; one still open), wrote to Pieter, reviewed him, asked to talk to a
coordinator; Bob asked for help with his garden and wrote to Pieter too."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from marketplace import services as marketplace_services
from marketplace.models import HelpRequest, Offer, Review, Visit
from payments_stub import billing
from payments_stub import services as payment_services
from payments_stub.models import HoursLog
from referrals import services as referral_services
from referrals.models import Case
from tests import factories
from tests.payments.conftest import last_month, log, visit_done

BOB_GARDEN = "Tailler la haie du jardin de Bob, derrière la véranda bleue"
JEANNE_WORDS = "Merci Pieter, le code de la porte est 4512"
PIETER_WORDS = "Avec plaisir, à jeudi"
BOB_WORDS = "Bob écrit à Pieter au sujet de sa haie"
PIETER_NOTE = "Courses au marché, porté les sacs"
REVIEW = "Très gentil et ponctuel"


@dataclass
class World:
    done: HelpRequest
    open: HelpRequest
    bobs: HelpRequest
    visit: Visit
    hours: HoursLog
    case: Case


@pytest.fixture
def world(jeanne, pieter, bob, shopping) -> World:
    done = factories.help_request(helppie=jeanne, hourly_allowance_cents=800)
    visit = visit_done(done, pieter, minutes=120)
    Offer.objects.create(request=done, helpper=pieter, status=Offer.Status.ACCEPTED)
    hours = log(visit, note=PIETER_NOTE)
    hours = payment_services.hours_validate(hours=hours, by=jeanne)
    billing.billing_run(month=last_month())

    factories.place_at(bob, "1000", street="Rue de Bob 99")
    bobs = factories.help_request(helppie=bob, description=BOB_GARDEN)
    Offer.objects.create(request=bobs, helpper=pieter)
    Offer.objects.create(request=shopping, helpper=pieter, message="Je peux passer mardi")
    marketplace_services.message_send(
        request=done, helpper=pieter, sender=jeanne, body=JEANNE_WORDS
    )
    marketplace_services.message_send(
        request=done, helpper=pieter, sender=pieter, body=PIETER_WORDS
    )
    marketplace_services.message_send(request=bobs, helpper=pieter, sender=bob, body=BOB_WORDS)
    Review.objects.create(visit=visit, author=jeanne, subject=pieter, rating=5, comment=REVIEW)
    case = referral_services.coordinator_contact_ask(person=jeanne)
    return World(done=done, open=shopping, bobs=bobs, visit=visit, hours=hours, case=case)
