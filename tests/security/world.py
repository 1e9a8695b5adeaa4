"""The people and things the permission matrix points its URLs at.

Jeanne (helppie A) has an open request and a matched one that Pieter (the accepted helpper) does
every week; Hugo (a vetted helpper nearby) offered on both and was not chosen; Bob (helppie B)
has a request of his own; Claire is staff without the referrals permission; Nadia is staff with
it (and her authenticator); and the anonymous visitor."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import Permission
from django.utils import timezone

from marketplace import services as marketplace_services
from marketplace.models import CalendarFeed, HelpRequest, Offer, User, Visit
from matching import services as matching_services
from matching.models import Invitation
from payments_stub import billing
from payments_stub import services as payment_services
from payments_stub.models import HoursLog, Statement
from referrals import services as referral_services
from referrals.models import Case, Consent, Service
from referrals.screening import screen
from referrals.social_map import load_shipped
from tests import factories
from tests.mfa import give_totp
from tests.payments.conftest import last_month, log, visit_done

ROLES = ("anonymous", "helppie_a", "helppie_b", "helpper_other", "helpper", "staff", "worker")


@dataclass
class World:
    people: dict[str, User | None]
    open: HelpRequest
    matched: HelpRequest
    bobs: HelpRequest
    hugo_offer: Offer
    planned: Visit
    unlogged: Visit
    hours: HoursLog
    disputed: HoursLog
    statement: Statement
    invitation: Invitation
    case: Case
    consent: Consent
    service: Service
    calendar: CalendarFeed
    extra: dict = field(default_factory=dict)


def build() -> World:
    claire = factories.UserFactory(first_name="Claire", email="claire@example.org", is_staff=True)
    nadia = factories.UserFactory(first_name="Nadia", email="nadia@example.org", is_staff=True)
    nadia.user_permissions.add(Permission.objects.get(codename="work_cases"))
    give_totp(nadia)
    jeanne = factories.UserFactory(
        first_name="Jeanne", last_name="Dupont", email="jeanne@example.org", is_helppie=True
    )
    factories.place_at(jeanne, "1050", street="Rue du Trône 12")
    bob = factories.UserFactory(first_name="Bob", email="bob@example.org", is_helppie=True)
    factories.place_at(bob, "1000", street="Rue de Bob 99")
    pieter = factories.helpper(postcode="1000", first_name="Pieter", email="pieter@example.org")
    hugo = factories.helpper(postcode="1050", first_name="Hugo", email="hugo@example.org")
    load_shipped()

    open_request = factories.help_request(helppie=jeanne)
    hugo_offer = marketplace_services.offer_make(request=open_request, helpper=hugo, message="")
    matched = factories.help_request(helppie=jeanne, category="company", days_ahead=5)
    marketplace_services.offer_make(request=matched, helpper=hugo, message="")
    chosen = marketplace_services.offer_make(request=matched, helpper=pieter, message="")
    matching_services.offer_choose(offer=chosen, by=jeanne)
    planned = Visit.objects.filter(request=matched, status=Visit.Status.PLANNED).first()
    bobs = factories.help_request(helppie=bob)

    hours = log(visit_done(matched, pieter, day=last_month().replace(day=3)))
    disputed = payment_services.hours_dispute(
        hours=log(visit_done(matched, pieter, day=last_month().replace(day=5))),
        by=jeanne,
        reason="Parti plus tôt",
    )
    billed = log(visit_done(matched, pieter, day=last_month().replace(day=7)))
    payment_services.hours_validate(hours=billed, by=jeanne)
    billing.billing_run(month=last_month())
    unlogged = visit_done(matched, pieter, day=timezone.localdate() - timedelta(days=1))
    invitation = factories.invitation(bobs, pieter, hours=24)
    case = referral_services.case_open(
        person=jeanne,
        screening=screen("Je n'arrive plus à payer mes factures, je suis à bout.", "fr", {}),
        source="request",
        source_ref=f"request:{open_request.pk}",
    )
    consent = referral_services.consent_record(
        person=jeanne, purpose=Consent.Purpose.CONTACT, channel=Consent.Channel.WEB, by=jeanne
    )
    calendar, _ = CalendarFeed.objects.get_or_create(
        user=pieter, defaults={"token": "t" * 48 + str(pieter.pk)}
    )
    return World(
        people={
            "anonymous": None,
            "helppie_a": jeanne,
            "helppie_b": bob,
            "helpper_other": hugo,
            "helpper": pieter,
            "staff": claire,
            "worker": nadia,
        },
        open=open_request,
        matched=matched,
        bobs=bobs,
        hugo_offer=hugo_offer,
        planned=planned,
        unlogged=unlogged,
        hours=hours,
        disputed=disputed,
        statement=Statement.objects.get(person=jeanne),
        invitation=invitation,
        case=case,
        consent=consent,
        service=Service.objects.order_by("name").first(),
        calendar=calendar,
    )
