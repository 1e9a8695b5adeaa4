"""A double-entry ledger in integer cents.

Positive amounts are debits, negative amounts credits; the entries of a transaction sum to zero
(checked by `payments_stub.ledger` before writing, by a deferred constraint trigger at commit, and
by `manage.py ledger_check`). Entries and transactions are append-only (a trigger refuses UPDATE
and DELETE): a mistake is undone by a reversal transaction. Balances are sums of entries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PERSONAL_KINDS = ("helppie_receivable", "helpper_payable")


class Account(models.Model):
    """Where money is owed or held. Personal accounts belong to a user, fund accounts to a fund."""

    class Kind(models.TextChoices):
        HELPPIE_RECEIVABLE = "helppie_receivable", _("Owed by a helppie")
        HELPPER_PAYABLE = "helpper_payable", _("Owed to a helpper")
        FUND_RECEIVABLE = "fund_receivable", _("Owed by a partner fund")
        PLATFORM_FEES = "platform_fees", _("Platform fees")
        WITHHOLDING = "withholding", _("Withholding owed to the tax authority")
        PROVIDER_CLEARING = "provider_clearing", _("Held at the payment provider")
        GOODWILL = "goodwill", _("Refunded by the platform")

    kind = models.CharField(max_length=24, choices=Kind)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    fund = models.ForeignKey(
        "payments_stub.PartnerFund",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "user", "fund"], nulls_distinct=False, name="account_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PERSONAL_KINDS, user__isnull=False, fund__isnull=True)
                | Q(kind="fund_receivable", user__isnull=True, fund__isnull=False)
                | (
                    ~Q(kind__in=(*PERSONAL_KINDS, "fund_receivable"))
                    & Q(user__isnull=True, fund__isnull=True)
                ),
                name="account_owner_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        owner = self.user or self.fund
        return f"{self.get_kind_display()}: {owner}" if owner else self.get_kind_display()


class LedgerTransaction(models.Model):
    """One economic event: its entries sum to zero. Never edited; undone by a reversal."""

    class Kind(models.TextChoices):
        HOURS = "hours", _("Hours validated")
        CHARGE = "charge", _("Helppie charged")
        PAYOUT = "payout", _("Helpper paid")
        REFUND = "refund", _("Helppie refunded")
        REVERSAL = "reversal", _("Reversal")

    kind = models.CharField(max_length=10, choices=Kind)
    memo = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal"
    )
    # Money that moved at the provider is recorded once per idempotency key.
    idempotency_key = models.CharField(max_length=120, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False)
                | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="ledger_reversal_points_back",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}: {self.memo}"


class Entry(models.Model):
    """A debit (positive) or credit (negative) of one account, in cents."""

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount_cents = models.BigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount_cents=0), name="entry_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount_cents}"
