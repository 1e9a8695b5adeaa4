"""A person's rights over their data (GDPR art. 15, 17 and 20): a copy of it, and its erasure.

`export_for` gathers what the platform holds about one person as plain JSON-ready data;
`person_erase` removes or anonymises it. Both write a PrivacyLog row (ids only).

What the export leaves out, on purpose:
- Other people's contact details: a helpper or helppie appears by first name and initial only.
- Referral cases: the person learns that a case exists, when it was opened and closed, its
  state and outcome, the services they were referred to and every consent they gave. The
  screening's tier, rules and evidence and the coordinators' notes are a working assessment kept
  for staff; they are given on request through a coordinator, who checks them against the rights
  of others (art. 15(4)) before handing them over. Concerns a helpper reported after a visit are
  about the person visited, so a helpper's export lists the reports they sent, not their content.

What erasure keeps, on purpose: the payments records (hours with their amounts and dates,
statements, payments, the ledger and the hours history, its notes blanked) stay, because
accounting law requires them and the ledger is append-only; they point to the same user row,
now without a name, email, phone or password. Requests with hours stay as anonymised shells (no
description, the place reduced to its postcode area) so those records still make sense;
everything else goes. The admin's history keeps its rows without the names (privacy/admin_log.py).
"""

from __future__ import annotations

import json

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.geo import blurred
from marketplace.models import (
    Block,
    CalendarFeed,
    HelpperProfile,
    HelpRequest,
    Lapse,
    Message,
    Offer,
    Place,
    Review,
    User,
    Visit,
)
from matching import services as matching_services
from matching.models import Invitation
from payments_stub.models import FundMembership, HoursEvent, HoursLog, Statement
from privacy import admin_log
from privacy.models import PrivacyLog
from referrals.models import Case, Consent, Referral, SentinelAlert, VisitReport

ERASED_DOMAIN = "erased.invalid"


def _when(value):
    return value.isoformat() if value is not None else None


def _other(user: User | None) -> str | None:
    """How someone else appears in a person's export: first name and initial, nothing more."""
    return user.short_name if user is not None else None


def _profile(user: User) -> dict:
    return {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "preferred_language": user.preferred_language,
        "asks_for_help": user.is_helppie,
        "offers_help": user.is_helpper,
        "registered": user.channel,
        "registered_by_coordinator": user.registered_by_id is not None,
        "agreement_recorded_at": _when(user.consent_recorded_at),
        "joined_at": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user)
        ],
        "two_step_sign_in": [
            {
                "type": a.type,
                "created_at": _when(a.created_at),
                "last_used_at": _when(a.last_used_at),
            }
            for a in Authenticator.objects.filter(user=user)
        ],
        "calendar_link": CalendarFeed.objects.filter(user=user).exists(),
    }


def _place(place: Place) -> dict:
    return {
        "id": place.pk,
        "street": place.street,
        "postcode": place.postcode,
        "municipality": place.municipality,
        "latitude": place.location.y,
        "longitude": place.location.x,
        "created_at": _when(place.created_at),
    }


def _helpper_profile(user: User) -> dict | None:
    profile = HelpperProfile.objects.filter(user=user).prefetch_related("availability").first()
    if profile is None:
        return None
    return {
        "postcode": profile.postcode,
        "municipality": profile.municipality,
        "latitude": profile.location.y,
        "longitude": profile.location.x,
        "travel_distance_m": profile.radius_m,
        "kinds_of_help": profile.categories,
        "languages": profile.languages,
        "has_car": profile.has_car,
        "hours_per_week": profile.weekly_capacity_hours,
        "identity_checked": profile.id_checked,
        "interview_done": profile.interview_done,
        "approved_at": _when(profile.approved_at),
        "paused": profile.is_paused,
        "availability": [
            {"weekday": s.weekday, "start": s.start.isoformat(), "end": s.end.isoformat()}
            for s in profile.availability.all()
        ],
    }


def _visit(visit: Visit) -> dict:
    return {
        "id": visit.pk,
        "request_id": visit.request_id,
        "starts_at": _when(visit.starts_at),
        "ends_at": _when(visit.ends_at),
        "status": visit.status,
        "done_at": _when(visit.done_at),
        "helpper": _other(visit.helpper),
    }


def _requests(user: User) -> list[dict]:
    found = (
        HelpRequest.objects.filter(helppie=user)
        .select_related("place")
        .prefetch_related("visits__helpper", "offers__helpper")
        .order_by("created_at")
    )
    return [
        {
            "id": r.pk,
            "kind_of_help": r.category,
            "description": r.description,
            "place_id": r.place_id,
            "recurrence": r.recurrence,
            "starts_on": _when(r.starts_on),
            "start_time": r.start_time.isoformat(),
            "weekdays": r.weekdays,
            "ends_on": _when(r.ends_on),
            "duration_minutes": r.duration_minutes,
            "hourly_allowance_cents": r.hourly_allowance_cents,
            "languages": r.languages,
            "car_needed": r.car_needed,
            "max_distance_m": r.max_distance_m,
            "status": r.status,
            "created_at": _when(r.created_at),
            "visits": [_visit(v) for v in r.visits.all()],
            "offers_received": [
                {"helpper": _other(o.helpper), "status": o.status, "at": _when(o.created_at)}
                for o in r.offers.all()
            ],
        }
        for r in found
    ]


def _helpper_side(user: User) -> dict:
    visits = Visit.objects.filter(helpper=user).select_related("request__helppie", "request")
    offers = Offer.objects.filter(helpper=user).select_related("request")
    invitations = Invitation.objects.filter(helpper=user).select_related("request")
    return {
        "visits": [
            {**_visit(v), "helppie": _other(v.request.helppie), "kind_of_help": v.request.category}
            for v in visits
        ],
        "offers": [
            {
                "request_id": o.request_id,
                "kind_of_help": o.request.category,
                "message": o.message,
                "status": o.status,
                "created_at": _when(o.created_at),
                "decided_at": _when(o.decided_at),
            }
            for o in offers
        ],
        "invitations": [
            {
                "request_id": i.request_id,
                "kind_of_help": i.request.category,
                "status": i.status,
                "invited_at": _when(i.invited_at),
                "answered_at": _when(i.answered_at),
            }
            for i in invitations
        ],
        "visit_reports_sent": [
            {"visit_id": report.visit_id, "sent_at": _when(report.created_at)}
            for report in VisitReport.objects.filter(helpper=user)
        ],
    }


def _messages(user: User) -> list[dict]:
    found = (
        Message.objects.filter(Q(sender=user) | Q(helpper=user) | Q(request__helppie=user))
        .select_related("sender")
        .order_by("created_at")
    )
    return [
        {
            "request_id": m.request_id,
            "from": "me" if m.sender_id == user.pk else _other(m.sender),
            "body": m.body,
            "sent_at": _when(m.created_at),
            "read_at": _when(m.read_at),
        }
        for m in found
    ]


def _reviews(user: User) -> dict:
    def shape(review: Review, other: User) -> dict:
        return {
            "visit_id": review.visit_id,
            "rating": review.rating,
            "comment": review.comment,
            "about" if other == review.subject else "by": _other(other),
            "at": _when(review.created_at),
        }

    written = Review.objects.filter(author=user).select_related("subject")
    received = Review.objects.filter(subject=user).select_related("author")
    return {
        "written": [shape(r, r.subject) for r in written],
        "received": [shape(r, r.author) for r in received],
    }


def _hours(user: User) -> list[dict]:
    found = HoursLog.objects.filter(Q(helpper=user) | Q(helppie=user)).order_by("started_at")
    return [
        {
            "id": h.pk,
            "visit_id": h.visit_id,
            "side": "helpper" if h.helpper_id == user.pk else "helppie",
            "started_at": _when(h.started_at),
            "ended_at": _when(h.ended_at),
            "break_minutes": h.break_minutes,
            "minutes": h.minutes,
            "note": h.note if h.helpper_id == user.pk else "",
            "status": h.status,
            "dispute_reason": h.dispute_reason if h.helppie_id == user.pk else "",
            "hourly_allowance_cents": h.hourly_allowance_cents,
            "gross_cents": h.gross_cents,
            "fee_cents": h.fee_cents,
            "contribution_cents": h.contribution_cents,
            "withheld_cents": h.withheld_cents,
        }
        for h in found
    ]


def _statements(user: User) -> list[dict]:
    return [
        {
            "id": s.pk,
            "kind": s.kind,
            "month": s.month.strftime("%Y-%m"),
            "minutes": s.minutes,
            "gross_cents": s.gross_cents,
            "fee_cents": s.fee_cents,
            "contribution_cents": s.contribution_cents,
            "withheld_cents": s.withheld_cents,
            "total_cents": s.total_cents,
        }
        for s in Statement.objects.filter(person=user)
    ]


def _consents(user: User) -> list[dict]:
    found = Consent.objects.filter(person=user).select_related("service").order_by("given_at")
    return [
        {
            "id": c.pk,
            "purpose": c.purpose,
            "service": str(c.service) if c.service else None,
            "case_id": c.case_id,
            "channel": c.channel,
            "given_at": _when(c.given_at),
            "withdrawn_at": _when(c.withdrawn_at),
        }
        for c in found
    ]


def _cases(user: User) -> list[dict]:
    """Existence, state and referrals of the person's cases; not the staff's assessment."""
    found = Case.objects.filter(person=user).prefetch_related("referrals__service")
    return [
        {
            "id": c.pk,
            "opened_at": _when(c.created_at),
            "status": c.status,
            "outcome": c.outcome,
            "closed_at": _when(c.closed_at),
            "referred_to": [
                {"service": str(r.service), "status": r.status, "at": _when(r.made_at)}
                for r in c.referrals.all()
            ],
        }
        for c in found
    ]


def _memberships(user: User) -> list[dict]:
    found = FundMembership.objects.filter(helppie=user).select_related("fund")
    return [
        {
            "fund": m.fund.name,
            "member_number": m.member_number,
            "since": _when(m.created_at),
            "ended_at": _when(m.ended_at),
        }
        for m in found
    ]


def export_for(user: User, *, by: User | None = None, channel: str = "web") -> dict:
    """Everything the platform holds about `user` that is theirs to have, as JSON-ready data.
    Logged (PrivacyLog, ids only) as asked by `by`: on the website the person themselves by
    default; by command, nobody named unless given."""
    actor = by if by is not None or channel != PrivacyLog.Channel.WEB else user
    data = {
        "format": "neighbourhelp-personal-data/1",
        "exported_at": _when(timezone.now()),
        "profile": _profile(user),
        "places": [_place(p) for p in Place.objects.filter(owner=user).order_by("pk")],
        "helpper_profile": _helpper_profile(user),
        "requests": _requests(user),
        "helping": _helpper_side(user),
        "messages": _messages(user),
        "reviews": _reviews(user),
        "hours": _hours(user),
        "statements": _statements(user),
        "mutuality": _memberships(user),
        "consents": _consents(user),
        "referral_cases": _cases(user),
        "blocked_people": [_other(b.blocked) for b in user.blocks_made.select_related("blocked")],
    }
    PrivacyLog.objects.create(
        actor_id=actor.pk if actor is not None else None,
        subject_id=user.pk,
        action=PrivacyLog.Action.EXPORT,
        channel=channel,
    )
    return data


def export_json(data: dict) -> str:
    """The export as the file people get: UTF-8 JSON, indented, dates in ISO 8601."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


# --- Erasure ------------------------------------------------------------------------------


def _erase_referrals(person: User) -> None:
    cases = Case.objects.filter(person=person)
    VisitReport.objects.filter(
        Q(helpper=person) | Q(visit__request__helppie=person) | Q(case__in=cases)
    ).delete()
    SentinelAlert.objects.filter(Q(case__in=cases) | Q(consent__person=person)).delete()
    Referral.objects.filter(Q(case__in=cases) | Q(consent__person=person)).delete()
    Consent.objects.filter(Q(person=person) | Q(case__in=cases)).delete()
    # The access log keeps its case numbers (case_ref) and loses the link (SET_NULL).
    cases.delete()


def _release_visits(person: User) -> None:
    """Planned visits still to come go back to matching, the backup asked first."""
    upcoming = Visit.objects.filter(
        helpper=person, status=Visit.Status.PLANNED, starts_at__gt=timezone.now()
    )
    for visit in upcoming:
        try:
            matching_services.visit_release(visit=visit, by=person)
        except ValidationError:
            continue  # started meanwhile: it stays as it is, pointing at the anonymised row


def _erase_requests(person: User) -> None:
    requests = HelpRequest.objects.filter(helppie=person)
    with_hours = set(
        HoursLog.objects.filter(visit__request__in=requests).values_list(
            "visit__request_id", flat=True
        )
    )
    # Requests without hours go whole (their visits, offers, invitations and messages too).
    requests.exclude(pk__in=with_hours).delete()
    kept = HelpRequest.objects.filter(pk__in=with_hours)
    kept.filter(status__in=[HelpRequest.Status.OPEN, HelpRequest.Status.MATCHED]).update(
        status=HelpRequest.Status.CANCELLED
    )
    Visit.objects.filter(
        request__in=kept, status__in=[Visit.Status.OPEN, Visit.Status.PLANNED]
    ).update(status=Visit.Status.CANCELLED, helpper=None)
    kept.update(description="", backup_helpper=None)
    HelpRequest.objects.filter(backup_helpper=person).update(backup_helpper=None)
    for place in Place.objects.filter(owner=person):
        if place.help_requests.exists():
            place.street, place.location = "", blurred(place.location)
            place.save(update_fields=["street", "location"])
        else:
            place.delete()


def _erase_marketplace(person: User) -> None:
    Message.objects.filter(
        Q(sender=person) | Q(helpper=person) | Q(request__helppie=person)
    ).delete()
    Offer.objects.filter(helpper=person).update(message="")
    Review.objects.filter(subject=person).delete()
    Review.objects.filter(author=person).update(comment="")
    Block.objects.filter(Q(blocker=person) | Q(blocked=person)).delete()
    Lapse.objects.filter(helpper=person).delete()
    Invitation.objects.filter(helpper=person).delete()
    HelpperProfile.objects.filter(user=person).delete()
    CalendarFeed.objects.filter(user=person).delete()


def _erase_payments_words(person: User) -> None:
    """The numbers stay (accounting); the words about the person go: the helpper's note, the
    helppie's reason for questioning, every note in the history of their hours (the trigger of
    payments_stub 0004 lets exactly this redaction through) and their member number."""
    HoursLog.objects.filter(helpper=person).update(note="")
    HoursLog.objects.filter(helppie=person).update(dispute_reason="")
    theirs = HoursLog.objects.filter(Q(helpper=person) | Q(helppie=person))
    HoursEvent.objects.filter(hours__in=theirs).exclude(note="").update(note="")
    FundMembership.objects.filter(helppie=person, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    FundMembership.objects.filter(helppie=person).update(member_number="")


def _erase_account(person: User) -> None:
    EmailAddress.objects.filter(user=person).delete()
    Authenticator.objects.filter(user=person).delete()
    person.groups.clear()
    person.user_permissions.clear()
    person.first_name = person.last_name = person.phone = ""
    person.email = f"erased-{person.pk}@{ERASED_DOMAIN}"
    person.is_active = person.is_staff = person.is_superuser = False
    person.is_helppie = person.is_helpper = False
    person.last_login = None
    # A new (unusable) password also ends every session and app token: they carry its hash.
    person.set_unusable_password()
    person.save()


def person_erase(*, person: User, by: User | None, channel: str = "web") -> None:
    """Remove or anonymise everything personal about `person`, in one transaction.

    Guarantees: afterwards nobody can sign in as them; their name, email, phone, streets,
    descriptions, messages, helpper profile, visit reports, cases and consents are gone, and so
    are the notes on their hours, their member numbers and the names the admin's history gives
    them and their rows; their payments records and ledger entries remain, balanced and
    pointing at the anonymised row; a PrivacyLog row (ids only) says who asked.
    """
    if is_erased(person):
        raise ValidationError(_("This person's data is already erased."))
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        logged = admin_log.targets_of(person)  # before their rows go
        _release_visits(person)
        _erase_referrals(person)
        _erase_marketplace(person)
        _erase_requests(person)
        _erase_payments_words(person)
        _erase_account(person)
        admin_log.anonymise(logged)
        PrivacyLog.objects.create(
            actor_id=by.pk if by is not None else None,
            subject_id=person.pk,
            action=PrivacyLog.Action.ERASE,
            channel=channel,
        )


def is_erased(person: User) -> bool:
    return bool(person.email and person.email.endswith(f"@{ERASED_DOMAIN}"))
