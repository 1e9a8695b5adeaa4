"""The social map (shaped like Open Referral HSDS 3) and the staff's referral cases.

Health-related data (GDPR art. 9) lives only here: cases keep the tier, the rules that fired and
short evidence, never whole conversations; every view and change of a case is logged.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.gis.db import models as gis
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

TIERS = ["none", "low", "moderate", "high", "crisis"]
# What staff read for a tier: the stored value stays the screening vocabulary of SCREENING.md.
TIER_LABELS = {
    "none": _("No concern"),
    "low": _("Low"),
    "moderate": _("Moderate"),
    "high": _("High"),
    "crisis": _("Crisis"),
}


class ServiceKind(models.TextChoices):
    """The taxonomy of SCREENING.md: each service carries one or more."""

    CRISIS_LINE = "crisis_line", _("Crisis line")
    SENTINEL_PROGRAMME = "sentinel_programme", _("Support for self-employed people in distress")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    GP = "gp", _("General practitioner")
    CPAS = "cpas", _("Social aid (CPAS/OCMW)")
    MUTUALITY_SOCIAL_SERVICE = "mutuality_social_service", _("Mutuality social service")
    BEFRIENDING = "befriending", _("Visits and company")
    PERSONAL_ALARM = "personal_alarm", _("Personal alarm")
    ABUSE_HELPLINE = "abuse_helpline", _("Abuse helpline")
    CARER_SUPPORT = "carer_support", _("Support for carers")


class Texts(models.JSONField):
    """Texts in French, Dutch and English: {"fr": "...", "nl": "...", "en": "..."}."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", dict)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)


def in_language(texts: dict, language: str | None = None) -> str:
    """The text in the reader's language, else English, French, Dutch, whichever exists."""
    language = (language or get_language() or "fr")[:2]
    for code in (language, "en", "fr", "nl"):
        if texts.get(code):
            return texts[code]
    return ""


class Organization(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = Texts()
    description = Texts()
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)

    def __str__(self) -> str:
        return in_language(self.name)


class Service(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Defunct")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="services"
    )
    name = Texts()
    description = Texts()
    url = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.ACTIVE)
    kinds = ArrayField(models.CharField(max_length=32, choices=ServiceKind), default=list)
    languages = ArrayField(models.CharField(max_length=2), default=list, blank=True)
    fees_description = Texts()
    eligibility_description = Texts()
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    # Situations the service requires of the person, e.g. ["self_employed"].
    requires = ArrayField(models.CharField(max_length=32), default=list, blank=True)
    # Shown first among services of the same kind (the gentlest or most specific).
    priority = models.SmallIntegerField(default=0)
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.EmailField(blank=True)
    last_modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-priority"]
        indexes = [models.Index(fields=["status"], name="service_by_status")]

    def __str__(self) -> str:
        return in_language(self.name)

    @property
    def needs_checking(self) -> bool:
        return self.assured_date is None


class Phone(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(max_length=40)
    description = Texts()
    languages = ArrayField(models.CharField(max_length=2), default=list, blank=True)

    def __str__(self) -> str:
        return self.number


class Schedule(models.Model):
    """When a service answers. "24/7" is freq=WEEKLY on every day, 00:00 to 23:59."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    byday = models.CharField(max_length=40, default="MO,TU,WE,TH,FR,SA,SU")
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    description = Texts()

    def __str__(self) -> str:
        return f"{self.byday} {self.opens_at}-{self.closes_at}"


class ServiceArea(models.Model):
    """Where a service serves: an outline (Belgium, a region) or a list of municipalities."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=200)
    extent = gis.MultiPolygonField(srid=4326, null=True, blank=True)
    municipalities = ArrayField(models.CharField(max_length=5), default=list, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(extent__isnull=False) | ~Q(municipalities=[]),
                name="service_area_has_an_extent",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=300, blank=True)
    point = gis.PointField(srid=4326, null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"


class Case(models.Model):
    """A person staff should look at, opened by screening, a helpper's report, or a signal."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class Outcome(models.TextChoices):
        GOT_HELP = "got_help", _("Got help")
        COULD_NOT_CONTACT = "could_not_contact", _("Could not contact")
        DECLINED = "declined", _("Declined")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible")
        REFERRED_ELSEWHERE = "referred_elsewhere", _("Referred elsewhere")

    class Source(models.TextChoices):
        REQUEST = "request", _("A request for help")
        MESSAGE = "message", _("A message")
        VISIT_REPORT = "visit_report", _("A helpper's visit report")
        STAFF_NOTE = "staff_note", _("A coordinator's note")
        SELF = "self", _("The person asked to talk to a coordinator")
        SIGNAL = "signal", _("A change noticed over time")

    TRANSITIONS = {
        "requested": {"accepted", "cancelled"},
        "accepted": {"in_progress", "cancelled"},
        "in_progress": {"completed", "failed", "cancelled"},
    }
    CLOSED = ("completed", "failed", "cancelled")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_cases"
    )
    tier = models.CharField(max_length=10, choices=list(TIER_LABELS.items()))
    needs = ArrayField(models.CharField(max_length=32), default=list, blank=True)
    orientation = ArrayField(models.CharField(max_length=32), default=list, blank=True)
    rules = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    # At most a few short quotes of what fired: never the whole text.
    evidence = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=16, choices=Source)
    source_ref = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=12, choices=Status, default=Status.REQUESTED)
    outcome = models.CharField(max_length=20, choices=Outcome, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        permissions = [("work_cases", "Can see and work referral cases")]
        indexes = [
            # The queue: open cases by urgency, then age.
            models.Index(
                fields=["due_at"],
                condition=Q(status__in=["requested", "accepted", "in_progress"]),
                name="case_open_by_due",
            ),
            # The purge: closed cases by age.
            models.Index(
                fields=["closed_at"], condition=Q(closed_at__isnull=False), name="case_closed"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["completed", "failed", "cancelled"], closed_at__isnull=False
                )
                | (~Q(status__in=["completed", "failed", "cancelled"]) & Q(closed_at__isnull=True)),
                name="case_closed_when_finished",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["completed", "failed"]) | ~Q(outcome=""),
                name="case_finished_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.tier} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status not in self.CLOSED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()


RESPONSE_TARGETS = {
    "crisis": timedelta(hours=1),
    "high": timedelta(days=1),
    "moderate": timedelta(days=3),
    "low": timedelta(days=7),
    "none": timedelta(days=7),
}


class CaseEvent(models.Model):
    """The history of a case: who changed what, when. Never edited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=32)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class Consent(models.Model):
    """An explicit, per-purpose agreement of the person, withdrawable at any time."""

    class Purpose(models.TextChoices):
        CONTACT = "contact", _("Be contacted by a coordinator")
        SHARE = "share", _("Share with a named service")
        SENTINEL_ALERT = (
            "sentinel_alert",
            _("Send an alert to the programme for self-employed people"),
        )

    class Channel(models.TextChoices):
        WEB = "web", _("On the website")
        PHONE = "phone", _("By phone, with a coordinator")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_consents"
    )
    purpose = models.CharField(max_length=16, choices=Purpose)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="consents"
    )
    channel = models.CharField(max_length=8, choices=Channel)
    obtained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    given_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(purpose="share") | Q(service__isnull=False),
                name="consent_share_names_a_service",
            ),
            models.CheckConstraint(
                condition=~Q(channel="phone") | Q(obtained_by__isnull=False),
                name="consent_by_phone_names_the_coordinator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.person_id})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class Referral(models.Model):
    """The person is oriented to a service of the social map, with a follow-up date."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        DONE = "done", _("Followed up")
        STOPPED = "stopped", _("Stopped (consent withdrawn)")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="referrals")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    follow_up_on = models.DateField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PROPOSED)

    def __str__(self) -> str:
        return f"{self.case_id} → {self.service}"


class SentinelAlert(models.Model):
    """An alert to the sentinel programme, sent through an outbox by a background task."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        STOPPED = "stopped", _("Stopped (consent withdrawn)")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="alerts")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="alerts")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    recipient = models.EmailField()
    payload = models.JSONField()
    status = models.CharField(max_length=8, choices=Status, default=Status.QUEUED)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="alert_sent_has_time"
            )
        ]

    def __str__(self) -> str:
        return f"alert {self.pk} ({self.status})"


class VisitReport(models.Model):
    """What a helpper noticed after a visit; feeds screening and the case queue."""

    class Concern(models.TextChoices):
        LONELY = "lonely", _("Seems lonely")
        MONEY = "money", _("Money worries")
        FALL = "fall", _("Had a fall")
        LOW_MOOD = "low_mood", _("Low mood")
        NOT_WANTING_TO_LIVE = "not_wanting_to_live", _("Talks of not wanting to live")

    visit = models.ForeignKey("marketplace.Visit", on_delete=models.CASCADE, related_name="+")
    helpper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    concerns = ArrayField(
        models.CharField(max_length=24, choices=Concern), default=list, blank=True
    )
    # Kept only as long as the screening needs it: the text itself is not stored.
    created_at = models.DateTimeField(default=timezone.now)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["visit", "helpper"], name="visit_report_once")
        ]

    def __str__(self) -> str:
        return f"report on visit {self.visit_id}"


class AccessLog(models.Model):
    """Every view and change of referral data, by whom and when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    case_ref = models.PositiveBigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=32)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["case_ref", "at"], name="access_by_case")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.case_ref}"
