"""The fake payment provider's own records, kept in the database so every process sees them.

These tables stand for the payment network's side of the world, not ours: `ProviderOperation`
is what the network did (one per idempotency key), `ProviderCall` every request it received.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Operation(models.TextChoices):
    CHARGE = "charge", _("charge")
    PAYOUT = "payout", _("payout")
    REFUND = "refund", _("refund")


class ProviderOperation(models.Model):
    """Money the (fake) network moved. One per idempotency key: a retry never moves it twice."""

    kind = models.CharField(max_length=8, choices=Operation)
    idempotency_key = models.CharField(max_length=120, unique=True)
    reference = models.CharField(max_length=64, unique=True)
    counterparty = models.CharField(max_length=120)
    amount_cents = models.PositiveIntegerField()
    refunded_reference = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="provider_op_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference} {self.amount_cents}"


class ProviderCall(models.Model):
    """One request the (fake) provider received, and how it answered."""

    class Outcome(models.TextChoices):
        DONE = "done", _("done")
        REPLAYED = "replayed", _("replayed (same idempotency key)")
        FAILED = "failed", _("failed")
        TIMEOUT = "timeout", _("timed out")
        REFUSED = "refused", _("refused (bad request)")

    kind = models.CharField(max_length=8, choices=Operation)
    idempotency_key = models.CharField(max_length=120)
    counterparty = models.CharField(max_length=120)
    amount_cents = models.IntegerField()
    outcome = models.CharField(max_length=10, choices=Outcome)
    reference = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["idempotency_key"], name="provider_call_by_key")]

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key}: {self.outcome}"


class ProviderFault(models.Model):
    """A failure the fake provider is told to produce on its next calls (tests, rehearsals).

    `fail`: refused, nothing moved. `timeout`: no answer, nothing moved. `timeout_after`: the money
    moved but the answer was lost, which only the idempotency key makes safe to retry.
    """

    class Mode(models.TextChoices):
        FAIL = "fail", "fail"
        TIMEOUT = "timeout", "timeout"
        TIMEOUT_AFTER = "timeout_after", "timeout after moving the money"

    kind = models.CharField(max_length=8, choices=Operation, blank=True)
    mode = models.CharField(max_length=14, choices=Mode)
    remaining = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.mode} × {self.remaining} ({self.kind or 'any'})"
