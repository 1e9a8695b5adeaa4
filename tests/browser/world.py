"""One small world with something on every page, and the list of pages each person can open.

Jeanne asks for help in Ixelles (an open request, and a weekly one Pieter does); Pieter helps
nearby; Claire coordinates and works referral cases. Every page view of the URL configuration
is either in PAGES (with who opens it) or in POST_ONLY; a test checks that nothing is left out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from marketplace import services as marketplace_services
from marketplace.models import HelpRequest, User, Visit
from matching import services as matching_services
from payments_stub import billing
from payments_stub import services as payment_services
from payments_stub.models import HoursLog, PartnerFund, Statement
from referrals import services as referral_services
from referrals.models import Case, Service
from referrals.screening import screen
from referrals.social_map import load_shipped
from tests import factories
from tests.mfa import give_totp
from tests.payments.conftest import last_month, log, visit_done

# Who opens a page, and how its arguments come out of the world.
PAGES: dict[str, tuple[str, object]] = {
    "home": ("anonymous", None),
    "account_login": ("anonymous", None),
    "account_signup": ("anonymous", None),
    "account_reset_password": ("anonymous", None),
    "home@helppie": ("helppie", None),
    "request_create": ("helppie", None),
    "request_detail": ("helppie", lambda w: [w.matched.pk]),
    "request_detail@open": ("helppie", lambda w: [w.open.pk]),
    "request_detail@helpper": ("helpper", lambda w: [w.open.pk]),
    "statements": ("helppie", None),
    "statement": ("helppie", lambda w: [w.statement.pk]),
    "hours_review": ("helppie", lambda w: [w.hours.pk]),
    "mutuality": ("helppie", None),
    "my_consents": ("helppie", None),
    "messages": ("helppie", None),
    "conversation": ("helppie", lambda w: [w.matched.pk, w.pieter.pk]),
    "account_change_password": ("helppie", None),
    "account_email": ("helppie", None),
    "my_data": ("helppie", None),
    "erase_account": ("helppie", None),
    "home@helpper": ("helpper", None),
    "near_me": ("helpper", None),
    "invitations": ("helpper", None),
    "helpper_profile": ("helpper", None),
    "availability": ("helpper", None),
    "earnings": ("helpper", None),
    "hours_log": ("helpper", lambda w: [w.unlogged_visit.pk]),
    "visit_report": ("helpper", lambda w: [w.unlogged_visit.pk]),
    "certificate": ("helpper", lambda w: [last_month().year]),
    "home@staff": ("staff", None),
    "intake": ("staff", None),
    "helppers_to_vet": ("staff", None),
    "week_planner": ("staff", None),
    "request_matching": ("staff", lambda w: [w.open.pk]),
    "case_queue": ("staff", None),
    "case_detail": ("staff", lambda w: [w.case.pk]),
    "social_map": ("staff", None),
    "service_edit": ("staff", lambda w: [w.service.pk]),
    "billing_overview": ("staff", None),
    "disputes": ("staff", None),
    "dispute_settle": ("staff", lambda w: [w.disputed.pk]),
}

# Views that only answer a form's POST (they redirect to one of the pages above).
POST_ONLY = {
    "offer_create",
    "offer_accept",
    "visit_done",
    "language_set",
    "text_size_set",
    "invitation_answer",
    "visit_release",
    "backup_choose",
    "case_move",
    "case_consent",
    "case_referral",
    "case_alert",
    "consent_withdraw",
    "talk_to_coordinator",
    "notice_dismiss",
    "statement_refund",
    "calendar_renew",
    "helpper_vet",
}

# The site's error pages, opened as who, at what address, answering what status. (500.html
# is rendered on its own: nothing on a working server answers with it.)
ERROR_PAGES: dict[str, tuple[str, str, int]] = {
    "404": ("anonymous", "/nothing-lives-here/", 404),
    "404@helppie": ("helppie", "/nothing-lives-here/", 404),
}

# Not pages: files for other programs (a spreadsheet, a calendar app).
NOT_PAGES = {"statement_csv", "calendar_feed", "my_data_download"}

# allauth pages nobody reaches in this project's journeys (no social accounts, no MFA, no codes).
ALLAUTH_PREFIX = "account_"


@dataclass
class World:
    claire: User
    jeanne: User
    pieter: User
    open: HelpRequest
    matched: HelpRequest
    unlogged_visit: Visit
    hours: HoursLog
    disputed: HoursLog
    statement: Statement
    case: Case
    service: Service
    people: dict[str, User | None] = field(default_factory=dict)

    def pages(self) -> list[tuple[str, str, str]]:
        """(key, role, url) for every page."""
        return [(key, role, self.url(key)) for key, (role, _args) in PAGES.items()]

    def url(self, key: str) -> str:
        role, args = PAGES[key]
        return reverse(key.split("@")[0], args=args(self) if args else None)


def build() -> World:
    claire = factories.UserFactory(first_name="Claire", email="claire@example.org", is_staff=True)
    claire.user_permissions.add(Permission.objects.get(codename="work_cases"))
    give_totp(claire)  # referral cases need two-step sign-in
    jeanne = factories.UserFactory(
        first_name="Jeanne",
        last_name="Dupont",
        email="jeanne@example.org",
        is_helppie=True,
        phone="+32 2 555 01 23",
    )
    factories.place_at(jeanne, "1050", street="Rue du Trône 12")
    pieter = factories.helpper(
        postcode="1000",
        first_name="Pieter",
        last_name="Janssens",
        email="pieter@example.org",
        phone="+32 470 12 34 56",
        preferred_language="nl",
        by=claire,
    )
    load_shipped()
    PartnerFund.objects.get_or_create(
        code="test",
        defaults={
            "name": "Mutualité Test",
            "member_number_pattern": r"\d{3}-\d{6}-\d{2}",
            "member_number_example": "123-456789-01",
            "contribution_per_hour_cents": 300,
            "annual_cap_cents": 1_000,
        },
    )
    open_request = factories.help_request(
        helppie=jeanne, description="Des courses au supermarché, le lait est lourd."
    )
    matched = factories.help_request(
        helppie=jeanne, category="company", description="Une promenade au parc.", days_ahead=5
    )
    offer = marketplace_services.offer_make(request=matched, helpper=pieter, message="Avec joie")
    matching_services.offer_choose(offer=offer, by=jeanne)
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
    case = referral_services.case_open(
        person=jeanne,
        screening=screen("Je n'arrive plus à payer mes factures, je suis à bout.", "fr", {}),
        source="request",
        source_ref=f"request:{open_request.pk}",
    )
    world = World(
        claire=claire,
        jeanne=jeanne,
        pieter=pieter,
        open=open_request,
        matched=matched,
        unlogged_visit=unlogged,
        hours=hours,
        disputed=disputed,
        statement=Statement.objects.filter(person=jeanne).first(),
        case=case,
        service=Service.objects.order_by("name").first(),
    )
    world.people = {"anonymous": None, "helppie": jeanne, "helpper": pieter, "staff": claire}
    return world
