"""Hours a helpper spent on a visit, the helppie's answer, and the history of every change."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.models import MAX_ALLOWANCE_CENTS


class HoursLog(models.Model):
    """The hours actually spent on one done visit, as the helpper logged them.

    The helppie validates or disputes them; unanswered by `deadline`, they are validated
    automatically; staff settle disputes. Once validated, the amounts are fixed and posted to the
    ledger (`posting`); a monthly statement then bills them, once per side.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for an answer")
        VALIDATED = "validated", _("Validated")
        DISPUTED = "disputed", _("Questioned, with a coordinator")
        REJECTED = "rejected", _("Not counted")

    class Validation(models.TextChoices):
        HELPPIE = "helppie", _("by the person helped")
        AUTOMATIC = "automatic", _("automatically, after the deadline")
        STAFF = "staff", _("by a coordinator")

    visit = models.OneToOneField(
        "marketplace.Visit", on_delete=models.PROTECT, related_name="hours_log"
    )
    helpper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hours_logged"
    )
    helppie = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hours_received"
    )
    started_at = models.DateTimeField(_("start"))
    ended_at = models.DateTimeField(_("end"))
    break_minutes = models.PositiveSmallIntegerField(_("breaks (minutes)"), default=0)
    minutes = models.PositiveIntegerField()
    note = models.CharField(_("note"), max_length=500, blank=True)
    # Rates as they were when the hours were logged: later changes do not rewrite the past.
    hourly_allowance_cents = models.PositiveIntegerField()
    fee_per_hour_cents = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status, default=Status.SUBMITTED)
    validated_how = models.CharField(max_length=10, choices=Validation, blank=True)
    deadline = models.DateTimeField()
    dispute_reason = models.CharField(_("what is wrong"), max_length=1000, blank=True)
    # The amounts of the current posting; zero until validated.
    fund = models.ForeignKey(
        "payments_stub.PartnerFund",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hours",
    )
    gross_cents = models.PositiveIntegerField(default=0)
    fee_cents = models.PositiveIntegerField(default=0)
    contribution_cents = models.PositiveIntegerField(default=0)
    withheld_cents = models.PositiveIntegerField(default=0)
    posting = models.OneToOneField(
        "payments_stub.LedgerTransaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posted_hours",
    )
    helppie_statement = models.ForeignKey(
        "payments_stub.Statement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="helppie_lines",
    )
    helpper_statement = models.ForeignKey(
        "payments_stub.Statement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="helpper_lines",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("hours")
        verbose_name_plural = _("hours")
        indexes = [
            # The automatic validation reads hours still waiting, by deadline.
            models.Index(
                fields=["deadline"], condition=Q(status="submitted"), name="hours_waiting"
            ),
            # Billing reads validated hours not yet on a statement, per person.
            models.Index(
                fields=["helppie", "started_at"],
                condition=Q(status="validated", helppie_statement__isnull=True),
                name="hours_unbilled_helppie",
            ),
            models.Index(
                fields=["helpper", "started_at"],
                condition=Q(status="validated", helpper_statement__isnull=True),
                name="hours_unbilled_helpper",
            ),
            # Earnings and the cap read a helpper's hours of a year.
            models.Index(fields=["helpper", "started_at"], name="hours_by_helpper"),
            # The dispute queue.
            models.Index(
                fields=["updated_at"], condition=Q(status="disputed"), name="hours_disputed"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gt=F("started_at")), name="hours_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(minutes__gt=0, break_minutes__gte=0), name="hours_minutes_positive"
            ),
            models.CheckConstraint(
                condition=Q(hourly_allowance_cents__lte=MAX_ALLOWANCE_CENTS),
                name="hours_allowance_in_range",
            ),
            models.CheckConstraint(
                condition=Q(posting__isnull=True) | Q(status="validated"),
                name="hours_posted_only_when_validated",
            ),
            models.CheckConstraint(
                condition=Q(helppie_statement__isnull=True, helpper_statement__isnull=True)
                | Q(status="validated"),
                name="hours_billed_only_when_validated",
            ),
            models.CheckConstraint(
                condition=Q(contribution_cents__lte=F("gross_cents") + F("fee_cents"))
                & Q(withheld_cents__lte=F("gross_cents")),
                name="hours_amounts_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.helpper} · {self.started_at:%Y-%m-%d} · {self.minutes} min"

    @property
    def helppie_cents(self) -> int:
        return self.gross_cents + self.fee_cents - self.contribution_cents

    @property
    def net_cents(self) -> int:
        return self.gross_cents - self.withheld_cents

    @property
    def last_day_to_answer(self):
        """The deadline is the first instant after this day (Brussels time)."""
        return timezone.localdate(self.deadline - timedelta(microseconds=1))

    @property
    def is_billed(self) -> bool:
        return self.helppie_statement_id is not None or self.helpper_statement_id is not None


class HoursEvent(models.Model):
    """Who did what to some hours, when, with the values before and after. Append-only."""

    class Action(models.TextChoices):
        LOGGED = "logged", _("logged")
        VALIDATED = "validated", _("validated")
        AUTO_VALIDATED = "auto_validated", _("validated automatically")
        DISPUTED = "disputed", _("questioned")
        ACCEPTED = "accepted", _("accepted by a coordinator")
        CORRECTED = "corrected", _("corrected by a coordinator")
        REJECTED = "rejected", _("not counted, by a coordinator")

    hours = models.ForeignKey(HoursLog, on_delete=models.PROTECT, related_name="history")
    action = models.CharField(max_length=16, choices=Action)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the system acted (the automatic validation).",
    )
    at = models.DateTimeField(default=timezone.now)
    old = models.JSONField(default=dict)
    new = models.JSONField(default=dict)
    note = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.hours_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
