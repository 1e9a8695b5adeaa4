"""Monthly statements, the payments they lead to, and the billing runs that make them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Statement(models.Model):
    """What one person's month came to: billed hours, once per person, side and month.

    For a helppie, `total_cents` is what they pay (allowances + fees - fund contributions); for a
    helpper, what they receive (allowances - withholding). The lines are the hours logs pointing
    to it; its totals are their sums, fixed when the statement is built.
    """

    class Kind(models.TextChoices):
        HELPPIE = "helppie", _("Help received")
        HELPPER = "helpper", _("Earnings")

    kind = models.CharField(max_length=8, choices=Kind)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="statements"
    )
    month = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    minutes = models.PositiveIntegerField()
    gross_cents = models.PositiveIntegerField()
    fee_cents = models.PositiveIntegerField()
    contribution_cents = models.PositiveIntegerField()
    withheld_cents = models.PositiveIntegerField()
    total_cents = models.IntegerField()

    class Meta:
        ordering = ["-month", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "person", "month"], name="statement_once_per_person_and_month"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="statement_month_first_day"),
            models.CheckConstraint(
                condition=Q(
                    kind="helppie",
                    total_cents=F("gross_cents") + F("fee_cents") - F("contribution_cents"),
                )
                | Q(kind="helpper", total_cents=F("gross_cents") - F("withheld_cents")),
                name="statement_total_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.month:%Y-%m} · {self.person}"

    def payment(self, kind: str) -> Payment | None:
        """This statement's payment of a kind; reads prefetched payments when there are some."""
        return next((p for p in self.payments.all() if p.kind == kind), None)

    @property
    def state(self) -> str:
        """Where the money of this statement is, in a few words for its reader."""
        money_kind = Payment.Kind.CHARGE if self.kind == self.Kind.HELPPIE else "payout"
        moved, refund = self.payment(money_kind), self.payment(Payment.Kind.REFUND)
        if refund is not None and refund.status == Payment.Status.SUCCEEDED:
            return _("Refunded")
        if self.total_cents <= 0:
            return _("Nothing to pay")
        if moved is None:
            return _("To be paid")
        if moved.status == Payment.Status.SUCCEEDED:
            return _("Paid") if self.kind == self.Kind.HELPPIE else _("Paid out")
        if moved.status == Payment.Status.FAILED:
            return _("The payment did not go through; it will be tried again")
        return _("Payment in progress")


class Payment(models.Model):
    """Money we ask the provider to move for a statement: a charge, a payout or a refund.

    Its idempotency key is derived from the month and the person, so a retry (a second run, a
    run after a crash) asks the provider for the same operation, which it performs once.
    """

    class Kind(models.TextChoices):
        CHARGE = "charge", _("Charge")
        PAYOUT = "payout", _("Payout")
        REFUND = "refund", _("Refund")

    class Status(models.TextChoices):
        PENDING = "pending", _("In progress")
        SUCCEEDED = "succeeded", _("Done")
        FAILED = "failed", _("Failed, will be retried")

    kind = models.CharField(max_length=8, choices=Kind)
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="payments")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments"
    )
    amount_cents = models.PositiveIntegerField()
    idempotency_key = models.CharField(max_length=120, unique=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    provider_reference = models.CharField(max_length=64, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    reason = models.CharField(max_length=300, blank=True)  # why staff asked for a refund
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transaction = models.OneToOneField(
        "payments_stub.LedgerTransaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment",
    )
    created_at = models.DateTimeField(default=timezone.now)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "kind"], name="payment_once_per_kind"),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payment_positive"),
            models.CheckConstraint(
                condition=Q(
                    status="succeeded", transaction__isnull=False, succeeded_at__isnull=False
                )
                | (~Q(status="succeeded") & Q(transaction__isnull=True)),
                name="payment_recorded_when_succeeded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.idempotency_key} ({self.get_status_display()})"


class BillingRun(models.Model):
    """One run of `billing_run` for a month, kept so staff see what happened and when."""

    month = models.DateField()
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    statements_created = models.PositiveIntegerField(default=0)
    payments_succeeded = models.PositiveIntegerField(default=0)
    payments_failed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["month", "started_at"], name="billing_run_by_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} · {self.started_at:%Y-%m-%d %H:%M}"
