"""People, where they are, what they ask for and who comes to help."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.gis.db import models as gis
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GistIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.choices import Category, Language, Weekday

MAX_ALLOWANCE_CENTS = 1500


def short_name(first_name: str, last_name: str) -> str:
    """First name and initial: how people are named to those not yet agreed with them.

    Also for names read without their user (the feed's cards, marketplace.selectors).
    """
    initial = f" {last_name[:1]}." if last_name else ""
    return f"{first_name}{initial}".strip() or _("A neighbour")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **fields):
        user = self.model(email=self.normalize_email(email) or None, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)

    def normalize_email(self, email):
        return (email or "").strip().lower()


class User(AbstractUser):
    """Anyone who signs in, or is registered by staff on their behalf.

    One person may both ask for help (helppie) and give it (helpper); coordinators are staff.
    Someone registered by phone has no email and no usable password: staff act for them.
    """

    class Channel(models.TextChoices):
        WEB = "web", _("Signed up on the web")
        PHONE = "phone", _("Registered by phone by a coordinator")

    username = None
    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language, default=Language.FR
    )
    is_helppie = models.BooleanField(_("asks for help"), default=False)
    is_helpper = models.BooleanField(_("offers help"), default=False)
    channel = models.CharField(max_length=8, choices=Channel, default=Channel.WEB)
    registered_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registered_people",
        verbose_name=_("registered by"),
    )
    consent_recorded_at = models.DateTimeField(_("agreement recorded at"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name"]
    objects = UserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            # Somebody registered by phone was registered by a named coordinator, with the
            # person's agreement recorded; everybody else signs in with an email.
            models.CheckConstraint(
                condition=Q(channel="web", email__isnull=False)
                | Q(
                    channel="phone", registered_by__isnull=False, consent_recorded_at__isnull=False
                ),
                name="user_channel_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or f"#{self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def short_name(self) -> str:
        return short_name(self.first_name, self.last_name)


class Place(models.Model):
    """An address where help is given. Its exact street stays private until both sides agree."""

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="places")
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=4)
    refnis = models.CharField(max_length=5)
    municipality = models.CharField(_("municipality"), max_length=100)
    location = gis.PointField(geography=True, srid=4326)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.street}, {self.postcode} {self.municipality}"


class HelpperProfile(models.Model):
    """What a helpper offers, where, when, and whether a coordinator has vetted them."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="helpper_profile")
    postcode = models.CharField(_("postcode"), max_length=4)
    refnis = models.CharField(max_length=5)
    municipality = models.CharField(_("municipality"), max_length=100)
    location = gis.PointField(geography=True, srid=4326)
    radius_m = models.PositiveIntegerField(
        _("travel distance (metres)"),
        default=5_000,
        validators=[MinValueValidator(500), MaxValueValidator(settings.HELPPER_MAX_RADIUS_M)],
    )
    categories = ArrayField(models.CharField(max_length=16, choices=Category), default=list)
    languages = ArrayField(models.CharField(max_length=2, choices=Language), default=list)
    has_car = models.BooleanField(_("I have a car"), default=False)
    weekly_capacity_hours = models.PositiveSmallIntegerField(
        _("hours per week"), default=4, validators=[MinValueValidator(1), MaxValueValidator(40)]
    )
    id_checked = models.BooleanField(_("identity checked"), default=False)
    interview_done = models.BooleanField(_("interview done"), default=False)
    approved_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    is_paused = models.BooleanField(_("paused"), default=False)

    class Meta:
        indexes = [
            # Candidate search walks the helppers who can work, nearest first (KNN on `<->`).
            GistIndex(
                fields=["location"],
                condition=Q(approved_at__isnull=False, is_paused=False),
                name="helpper_working_location",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True)
                | Q(id_checked=True, interview_done=True, approved_by__isnull=False),
                name="helpper_approved_only_when_vetted",
            ),
            models.CheckConstraint(condition=Q(radius_m__gte=500), name="helpper_radius_positive"),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_vetted(self) -> bool:
        return self.approved_at is not None

    @property
    def is_available_for_work(self) -> bool:
        return self.is_vetted and not self.is_paused

    def approve(self, *, by: User) -> None:
        """A coordinator approves a helpper whose identity and interview are done."""
        if not (self.id_checked and self.interview_done):
            raise ValueError("identity check and interview come before approval")
        self.approved_by = by
        self.approved_at = timezone.now()
        self.save(update_fields=["approved_by", "approved_at"])


class AvailabilitySlot(models.Model):
    """A weekly window in which a helpper is free, in local (Brussels) time."""

    profile = models.ForeignKey(
        HelpperProfile, on_delete=models.CASCADE, related_name="availability"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="slot_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["profile", "weekday", "start"], name="slot_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"


class HelpRequest(models.Model):
    """Help a helppie asks for: once, or weekly until an end date."""

    class Recurrence(models.TextChoices):
        ONCE = "once", _("Once")
        WEEKLY = "weekly", _("Every week")

    class Status(models.TextChoices):
        OPEN = "open", _("Looking for a helpper")
        MATCHED = "matched", _("Helpper found")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    helppie = models.ForeignKey(User, on_delete=models.CASCADE, related_name="help_requests")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("kind of help"), max_length=16, choices=Category)
    description = models.TextField(_("what do you need?"), max_length=2000)
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="help_requests")
    recurrence = models.CharField(max_length=8, choices=Recurrence, default=Recurrence.ONCE)
    starts_on = models.DateField(_("date"))
    start_time = models.TimeField(_("time"))
    weekdays = ArrayField(
        models.PositiveSmallIntegerField(choices=Weekday), default=list, blank=True
    )
    ends_on = models.DateField(_("until"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("how long (minutes)"), validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    hourly_allowance_cents = models.PositiveIntegerField(
        validators=[MaxValueValidator(MAX_ALLOWANCE_CENTS)]
    )
    languages = ArrayField(models.CharField(max_length=2, choices=Language), default=list)
    car_needed = models.BooleanField(_("a car is needed"), default=False)
    max_distance_m = models.PositiveIntegerField(default=settings.REQUEST_DEFAULT_MAX_DISTANCE_M)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    backup_helpper = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="backup_for",
        verbose_name=_("backup helpper"),
        help_text=_("Asked first when the usual helpper cannot make one visit."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The form's own token: the same form sent twice (a double click, a retry after a lost
    # answer) posts one request, not two.
    submission = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        # The table also holds `place_location`, the place's point copied by triggers, with a
        # GiST index of the open requests, for the feed's SQL (selectors.OpenRequestsNear):
        # migration 0008. Left off the model on purpose, so that no save() writes it stale.
        indexes = [
            # "Requests near me" reads open requests by category.
            models.Index(
                fields=["category"], condition=Q(status="open"), name="request_open_by_category"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    hourly_allowance_cents__gte=0, hourly_allowance_cents__lte=MAX_ALLOWANCE_CENTS
                ),
                name="request_allowance_in_range",
            ),
            models.CheckConstraint(
                condition=Q(recurrence="once", ends_on__isnull=True, weekdays=[])
                | (
                    Q(
                        recurrence="weekly",
                        ends_on__isnull=False,
                        ends_on__gte=models.F("starts_on"),
                    )
                    & ~Q(weekdays=[])
                ),
                name="request_recurrence_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15, duration_minutes__lte=480),
                name="request_duration_in_range",
            ),
            models.UniqueConstraint(
                fields=["helppie", "submission"],
                condition=Q(submission__isnull=False),
                name="request_one_per_submission",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.place.municipality})"


class Visit(models.Model):
    """One occurrence of a request, on a given day, with the helpper who comes."""

    class Status(models.TextChoices):
        OPEN = "open", _("Nobody yet")
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")
        MISSED = "missed", _("The helpper did not come")

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="visits")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    helpper = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            # Matching asks "is this helpper free then, and how many hours this week?"
            models.Index(
                fields=["helpper", "starts_at"],
                condition=Q(status__in=["planned", "done"]),
                name="visit_busy_by_helpper",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "starts_at"], name="visit_unique_occurrence"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="visit_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["planned", "done", "missed"]) | Q(helpper__isnull=False),
                name="visit_planned_has_helpper",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.starts_at:%Y-%m-%d %H:%M}"

    def mark_done(self) -> None:
        """The visit happened. Only a planned visit whose time has come can be done."""
        with transaction.atomic():
            visit = Visit.objects.select_for_update().get(pk=self.pk)
            if visit.status != Visit.Status.PLANNED:
                raise ValueError("only a planned visit can be marked done")
            visit.status = Visit.Status.DONE
            visit.done_at = timezone.now()
            visit.save(update_fields=["status", "done_at"])
        self.status, self.done_at = visit.status, visit.done_at


class Offer(models.Model):
    """A helpper says "I can help" with a request; the helppie accepts one of them."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Not chosen")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="offers")
    helpper = models.ForeignKey(User, on_delete=models.CASCADE, related_name="offers")
    message = models.CharField(_("a word for the person"), max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "helpper"], name="offer_one_per_helpper"),
            # The last line of defence when two acceptances race: one accepted offer per request.
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status="accepted"),
                name="offer_one_accepted_per_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.helpper} → {self.request}"


class Lapse(models.Model):
    """A visit a helpper let go of (cancelled late) or missed: what reliability is made of."""

    class Kind(models.TextChoices):
        CANCELLED = "cancelled", _("Cancelled a planned visit")
        MISSED = "missed", _("Did not come")

    helpper = models.ForeignKey(User, on_delete=models.CASCADE, related_name="lapses")
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="lapses")
    kind = models.CharField(max_length=10, choices=Kind)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["helpper", "at"], name="lapse_by_helpper")]

    def __str__(self) -> str:
        return f"{self.helpper}: {self.get_kind_display()}"


class Review(models.Model):
    """What a helppie thought of a visit, 1 to 5 stars."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reviews_written")
    subject = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reviews_received")
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["visit", "author"], name="review_one_per_visit"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5 for {self.subject}"


class Block(models.Model):
    """One person does not want to be matched with another again (either way round)."""

    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(
                condition=~Q(blocker=models.F("blocked")), name="block_not_oneself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker} ✕ {self.blocked}"


class Message(models.Model):
    """A few words between a helppie and one helpper about one request.

    A conversation is (request, helpper): the helppie on one side, a helpper who offered, was
    invited or was given a visit on the other. Staff on the person's behalf write as staff.
    """

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="messages")
    helpper = models.ForeignKey(User, on_delete=models.CASCADE, related_name="conversations")
    sender = models.ForeignKey(User, on_delete=models.CASCADE, related_name="messages_sent")
    body = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["request", "helpper", "created_at"], name="message_thread"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="message_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.sender} on {self.request_id}: {self.body[:40]}"


class CalendarFeed(models.Model):
    """A private link to someone's visits as a calendar; a new link revokes the old one.

    The token is the only key to the feed (calendar apps cannot sign in), so it is long and
    random, and replacing it makes any copy of the old link useless.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"calendar of {self.user}"
