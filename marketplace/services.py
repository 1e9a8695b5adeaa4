"""Writes of the marketplace. Each function is keyword-only, typed, and says what it guarantees.

Errors meant for people are ValidationErrors with translated messages, keyed by field where a
field is at fault, so forms and API views can show them where they belong.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import geo, selectors
from marketplace.geocoding import gazetteer, get_geocoder
from marketplace.models import (
    MAX_ALLOWANCE_CENTS,
    AvailabilitySlot,
    Block,
    HelpperProfile,
    HelpRequest,
    Message,
    Offer,
    Place,
    User,
    Visit,
)
from payments_stub import services as payments

LOCAL = ZoneInfo(settings.TIME_ZONE)


def _municipality_or_error(postcode: str):
    municipality = gazetteer().municipality_for_postcode(postcode or "")
    if municipality is None:
        raise ValidationError(
            {
                "postcode": _("We do not know the postcode “%(postcode)s” in Belgium.")
                % {"postcode": postcode}
            }
        )
    return municipality


def place_create(*, owner: User, street: str, postcode: str) -> Place:
    """A geocoded place for `owner`. Refuses a postcode unknown in Belgium; writes nothing then."""
    municipality = _municipality_or_error(postcode)
    street = street.strip()
    if not street:
        raise ValidationError({"street": _("Please give the street and house number.")})
    found = get_geocoder().geocode(f"{street}, {postcode} {municipality.name_fr}, Belgium")
    latitude, longitude = (
        (found.latitude, found.longitude)
        if found
        else (municipality.latitude, municipality.longitude)
    )
    return Place.objects.create(
        owner=owner,
        street=street,
        postcode=postcode,
        refnis=municipality.refnis,
        municipality=municipality.name(owner.preferred_language),
        location=geo.point(latitude, longitude),
    )


@dataclass(frozen=True)
class Schedule:
    """When help is wanted: once, or every week on some days until an end date."""

    starts_on: date
    start_time: time
    duration_minutes: int
    recurrence: str = HelpRequest.Recurrence.ONCE
    weekdays: tuple[int, ...] = ()
    ends_on: date | None = None

    @classmethod
    def from_fields(cls, data: dict) -> Schedule:
        """From the fields of the request form or the API's request body (same names)."""
        return cls(
            starts_on=data["starts_on"],
            start_time=data["start_time"],
            duration_minutes=data["duration_minutes"],
            recurrence=data["recurrence"],
            weekdays=tuple(data["weekdays"]),
            ends_on=data["ends_on"],
        )

    def errors(self, *, today: date) -> dict[str, str]:
        errors = {}
        if self.starts_on < today:
            errors["starts_on"] = _("This date has already passed.")
        if not 15 <= self.duration_minutes <= 480:
            errors["duration_minutes"] = _("A visit lasts between 15 minutes and 8 hours.")
        if self.recurrence == HelpRequest.Recurrence.WEEKLY:
            if not self.weekdays:
                errors["weekdays"] = _("Choose at least one day of the week.")
            if self.ends_on is None:
                errors["ends_on"] = _("Choose until when the help is needed.")
            elif self.ends_on < self.starts_on:
                errors["ends_on"] = _("The end date comes before the start date.")
        return errors

    def occurrences(self) -> list[date]:
        if self.recurrence == HelpRequest.Recurrence.ONCE:
            return [self.starts_on]
        horizon = self.starts_on + timedelta(weeks=settings.RECURRENCE_HORIZON_WEEKS)
        last = min(self.ends_on, horizon)
        days = (last - self.starts_on).days + 1
        every_day = (self.starts_on + timedelta(days=n) for n in range(days))
        return [day for day in every_day if day.weekday() in self.weekdays]


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=LOCAL)


def help_request_create(
    *,
    helppie: User,
    created_by: User,
    category: str,
    description: str,
    schedule: Schedule,
    hourly_allowance_cents: int,
    languages: list[str],
    car_needed: bool = False,
    max_distance_m: int | None = None,
    place: Place | None = None,
    street: str = "",
    postcode: str = "",
) -> HelpRequest:
    """Post a request and create its visits. All or nothing: a bad field writes nothing.

    The help is given at one of the helppie's places, or at a new address (street, postcode)
    that becomes one. Only the helppie, or a coordinator on their behalf, may post.
    """
    if created_by != helppie and not created_by.is_staff:
        raise PermissionDenied
    if place is not None and place.owner_id != helppie.pk:
        raise PermissionDenied
    errors = schedule.errors(today=timezone.localdate())
    if not 0 <= hourly_allowance_cents <= MAX_ALLOWANCE_CENTS:
        errors["hourly_allowance"] = _("The hourly allowance is between 0 and 15 euro.")
    if not languages:
        errors["languages"] = _("Choose at least one language.")
    if not description.strip():
        errors["description"] = _("Please say in a few words what you need.")
    dates = [] if errors else schedule.occurrences()
    if not errors and not dates:
        errors["weekdays"] = _("None of these days falls between the start and end dates.")
    if place is None:
        try:
            _municipality_or_error(postcode)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if place is None:
            place = place_create(owner=helppie, street=street, postcode=postcode)
        request = HelpRequest.objects.create(
            helppie=helppie,
            created_by=created_by,
            place=place,
            category=category,
            description=description.strip(),
            recurrence=schedule.recurrence,
            starts_on=schedule.starts_on,
            start_time=schedule.start_time,
            weekdays=sorted(schedule.weekdays),
            ends_on=schedule.ends_on
            if schedule.recurrence == HelpRequest.Recurrence.WEEKLY
            else None,
            duration_minutes=schedule.duration_minutes,
            hourly_allowance_cents=hourly_allowance_cents,
            languages=languages,
            car_needed=car_needed,
            max_distance_m=max_distance_m or settings.REQUEST_DEFAULT_MAX_DISTANCE_M,
        )
        length = timedelta(minutes=schedule.duration_minutes)
        Visit.objects.bulk_create(
            Visit(
                request=request,
                starts_at=_local(day, schedule.start_time),
                ends_at=_local(day, schedule.start_time) + length,
            )
            for day in dates
        )
    return request


def help_request_post(*, helppie: User, created_by: User, submission=None, **fields):
    """Everything that happens when someone posts a request, from the page or the API.

    The request and its visits are created (see help_request_create for the fields and
    errors), what the person wrote is screened (a case for staff when it warrants one), the
    candidates are invited once the transaction commits, and the person becomes a helppie.
    All of it or nothing: a request is never saved while its author is shown an error.
    The same `submission` token (the form's) sent again returns the request it posted the
    first time, with no notice, and posts nothing. Returns the request and the notice to show.
    """
    from matching import services as matching
    from referrals import services as referrals

    if submission is not None:
        already = HelpRequest.objects.filter(helppie=helppie, submission=submission).first()
        if already is not None:
            return already, None
    try:
        with transaction.atomic():
            request = help_request_create(helppie=helppie, created_by=created_by, **fields)
            if submission is not None:
                request.submission = submission
                request.save(update_fields=["submission"])
            notice = referrals.screen_for_person(
                user=helppie,
                text=request.description,
                source="request",
                source_ref=f"request:{request.pk}",
                point=request.place.location,
                refnis=request.place.refnis,
            )
            matching.invitations_schedule(request=request)
            if not helppie.is_helppie:
                User.objects.filter(pk=helppie.pk).update(is_helppie=True)
                helppie.is_helppie = True
    except IntegrityError:
        # The same form sent twice at once: the other sending posted it.
        already = HelpRequest.objects.filter(helppie=helppie, submission=submission).first()
        if submission is None or already is None:
            raise
        return already, None
    return request, notice


def offer_make(*, request: HelpRequest, helpper: User, message: str = "") -> Offer:
    """A helpper offers to help. Only a vetted helpper the request is open to may offer, once."""
    if not selectors.open_requests_near(helpper=helpper).filter(pk=request.pk).exists():
        raise ValidationError(_("You can no longer offer to help with this request."))
    try:
        with transaction.atomic():
            return Offer.objects.create(request=request, helpper=helpper, message=message.strip())
    except IntegrityError:
        raise ValidationError(_("You have already offered to help with this request.")) from None


def offer_accept(*, offer: Offer, by: User) -> Offer:
    """The helppie (or a coordinator) chooses a helpper.

    Exactly one offer per request wins even when several acceptances arrive at the same
    instant: the request row is locked, its status re-read, and a partial unique index on
    accepted offers backs it up. The other offers are declined and the visits to come are
    planned (from today on) with the chosen helpper, in the same transaction.
    """
    with transaction.atomic():
        request = HelpRequest.objects.select_for_update().get(pk=offer.request_id)
        if by.pk != request.helppie_id and not by.is_staff:
            raise PermissionDenied
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        if request.status != HelpRequest.Status.OPEN:
            raise ValidationError(_("A helpper has already been chosen for this request."))
        if offer.status != Offer.Status.PENDING:
            raise ValidationError(_("This offer is no longer available."))
        payments.ensure_below_cap(offer.helpper)
        now = timezone.now()
        offer.status, offer.decided_at, offer.decided_by = Offer.Status.ACCEPTED, now, by
        offer.save(update_fields=["status", "decided_at", "decided_by"])
        request.offers.filter(status=Offer.Status.PENDING).update(
            status=Offer.Status.DECLINED, decided_at=now, decided_by=by
        )
        request.status = HelpRequest.Status.MATCHED
        request.save(update_fields=["status"])
        start_of_today = _local(timezone.localdate(), time(0))
        request.visits.filter(status=Visit.Status.OPEN, starts_at__gte=start_of_today).update(
            helpper=offer.helpper, status=Visit.Status.PLANNED
        )
    return offer


def visit_mark_done(*, visit: Visit, by: User) -> Visit:
    """The helpper, the helppie or a coordinator marks a planned visit done, from its day on."""
    allowed = by.is_staff or by.pk in (visit.helpper_id, visit.request.helppie_id)
    if not allowed:
        raise PermissionDenied
    if timezone.localdate(visit.starts_at) > timezone.localdate():
        raise ValidationError(_("A visit can only be marked as done on or after its day."))
    with transaction.atomic():
        # The request first, then the visit: the order every writer locks them in.
        request = HelpRequest.objects.select_for_update().get(pk=visit.request_id)
        try:
            visit.mark_done()
        except ValueError:
            raise ValidationError(_("Only a planned visit can be marked done.")) from None
        if not request.visits.exclude(
            status__in=[Visit.Status.DONE, Visit.Status.CANCELLED]
        ).exists():
            request.status = HelpRequest.Status.DONE
            request.save(update_fields=["status"])
    return visit


def helppie_register_by_phone(
    *,
    by: User,
    first_name: str,
    last_name: str,
    phone: str,
    preferred_language: str,
    street: str,
    postcode: str,
    agreed: bool,
) -> User:
    """A coordinator registers someone who called, without email, with their recorded agreement.

    Returns the new helppie, who has a place and no usable password: coordinators act for them.
    """
    if not by.is_staff:
        raise PermissionDenied
    errors = {}
    if not agreed:
        errors["agreed"] = _(
            "Ask the person whether they agree to be registered, and tick the box."
        )
    if not first_name.strip():
        errors["first_name"] = _("Please give the person's first name.")
    if not phone.strip():
        errors["phone"] = _("Please give a phone number to call the person back.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        person = User.objects.create(
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            phone=phone.strip(),
            preferred_language=preferred_language,
            is_helppie=True,
            channel=User.Channel.PHONE,
            registered_by=by,
            consent_recorded_at=timezone.now(),
            password=make_password(None),
        )
        place_create(owner=person, street=street, postcode=postcode)
    return person


class AlreadyKnown(ValidationError):
    """The person being registered may already be known: `people` are the helppies alike."""

    def __init__(self, people: list[selectors.PersonFound]):
        super().__init__(
            {
                "someone_else": _(
                    "This person may already be registered. Post a request for them, or tick "
                    "the box if this is someone else."
                )
            }
        )
        self.people = people


def helppie_register_new(*, by: User, someone_else: bool = False, **person) -> User:
    """Register someone who called (see helppie_register_by_phone for `person`'s fields),
    unless a helppie with the same phone number, or the same name at the same postcode, is
    already known: then AlreadyKnown is raised, and nothing is written, until the coordinator
    confirms that this is someone else (`someone_else`)."""
    if not by.is_staff:
        raise PermissionDenied
    if not someone_else:
        alike = selectors.helppies_alike(
            first_name=person["first_name"],
            last_name=person["last_name"],
            phone=person["phone"],
            postcode=person["postcode"],
        )
        if alike:
            raise AlreadyKnown(alike)
    return helppie_register_by_phone(by=by, **person)


VET_STEPS = ("identity", "interview", "approve")


def helpper_vet(*, profile: HelpperProfile, by: User, step: str) -> HelpperProfile:
    """A coordinator records one step of vetting a helpper: "identity" (checked), "interview"
    (done) or "approve".

    Approval needs both checks recorded first, the rule HelpperProfile.approve and the
    database's constraint hold for the admin's action too; refused otherwise with an error
    saying what is missing. A step already recorded, or any step once approved, changes
    nothing. The profile row is locked, so two coordinators clicking at once approve once.
    """
    if not by.is_staff:
        raise PermissionDenied
    if step not in VET_STEPS:
        raise ValidationError(_("Choose what to record: identity, interview or approval."))
    with transaction.atomic():
        profile = (
            HelpperProfile.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=profile.pk)
        )
        if profile.is_vetted:
            return profile
        if step == "identity" and not profile.id_checked:
            profile.id_checked = True
            profile.save(update_fields=["id_checked"])
        elif step == "interview" and not profile.interview_done:
            profile.interview_done = True
            profile.save(update_fields=["interview_done"])
        elif step == "approve":
            _refuse_unless_checked(profile)
            profile.approve(by=by)
    return profile


def _refuse_unless_checked(profile: HelpperProfile) -> None:
    name = {"name": profile.user.full_name or profile.user.email}
    if not (profile.id_checked or profile.interview_done):
        raise ValidationError(
            _("%(name)s cannot be approved yet: record the identity check and the interview first.")
            % name
        )
    if not profile.id_checked:
        raise ValidationError(
            _("%(name)s cannot be approved yet: record the identity check first.") % name
        )
    if not profile.interview_done:
        raise ValidationError(
            _("%(name)s cannot be approved yet: record the interview first.") % name
        )


@dataclass(frozen=True)
class Slot:
    weekday: int
    start: time
    end: time


def helpper_profile_save(
    *,
    user: User,
    postcode: str,
    radius_m: int,
    categories: list[str],
    languages: list[str],
    has_car: bool,
    weekly_capacity_hours: int,
    availability: list[Slot],
    phone: str = "",
) -> HelpperProfile:
    """Create or update what a helpper offers. Vetting is left as it was: only staff change it."""
    municipality = _municipality_or_error(postcode)
    errors = {}
    if not categories:
        errors["categories"] = _("Choose at least one kind of help.")
    if not languages:
        errors["languages"] = _("Choose at least one language.")
    if not 500 <= radius_m <= settings.HELPPER_MAX_RADIUS_M:
        errors["radius_km"] = _("Choose a distance between 0.5 and %(max)s km.") % {
            "max": settings.HELPPER_MAX_RADIUS_M // 1000
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        profile, _created = HelpperProfile.objects.update_or_create(
            user=user,
            defaults={
                "postcode": postcode,
                "refnis": municipality.refnis,
                "municipality": municipality.name(user.preferred_language),
                "location": geo.point(municipality.latitude, municipality.longitude),
                "radius_m": radius_m,
                "categories": categories,
                "languages": languages,
                "has_car": has_car,
                "weekly_capacity_hours": weekly_capacity_hours,
            },
        )
        profile.availability.all().delete()
        AvailabilitySlot.objects.bulk_create(
            AvailabilitySlot(profile=profile, weekday=s.weekday, start=s.start, end=s.end)
            for s in availability
        )
        user.is_helpper = True
        if phone:
            user.phone = phone
        user.save(update_fields=["is_helpper", "phone"])
    return profile


MESSAGE_MAX_LENGTH = 2000


def message_send(*, request: HelpRequest, helpper: User, sender: User, body: str) -> Message:
    """Write in the conversation between a request's helppie and one helpper.

    The sender is the helppie, that helpper, or a coordinator on the helppie's behalf; the helpper
    must have offered, been invited or been given a visit. Nobody can write across a block.
    The recipient is told by email (a background task), in their own language. The text is
    screened for the writer; `message.notice` carries what to show them (crisis numbers, a
    suggestion), or None.
    """
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a message first.")})
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {"body": _("A message is at most %(n)d characters.") % {"n": MESSAGE_MAX_LENGTH}}
        )
    if not (sender.is_staff or sender.pk in (request.helppie_id, helpper.pk)):
        raise PermissionDenied
    if not selectors.is_conversation_open(request=request, helpper=helpper):
        raise ValidationError(_("You cannot write about this request any more."))
    if Block.objects.filter(
        blocker_id__in=(request.helppie_id, helpper.pk),
        blocked_id__in=(request.helppie_id, helpper.pk),
    ).exists():
        raise ValidationError(_("You cannot write to this person."))
    from marketplace.tasks import send_message_email
    from referrals import services as referrals

    message = Message.objects.create(request=request, helpper=helpper, sender=sender, body=body)
    transaction.on_commit(lambda: send_message_email.enqueue(message.pk))
    # What people write is screened where they write it; a coordinator's words are not theirs.
    message.notice = None
    if not sender.is_staff:
        where = (
            request.place
            if sender.pk == request.helppie_id
            else selectors.helpper_profile_of(sender)
        )
        message.notice = referrals.screen_for_person(
            user=sender,
            text=body,
            source="message",
            source_ref=f"message:{message.pk}",
            point=where.location if where else None,
            refnis=where.refnis if where else None,
        )
    return message


def messages_mark_read(*, request: HelpRequest, helpper: User, reader: User) -> int:
    """The reader has seen the conversation: what the other side wrote is read now."""
    return (
        Message.objects.filter(request=request, helpper=helpper, read_at__isnull=True)
        .exclude(sender=reader)
        .update(read_at=timezone.now())
    )
