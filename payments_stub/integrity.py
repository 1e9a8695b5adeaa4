"""The ledger's invariants, checked against the database as it is (`manage.py ledger_check`).

Each check returns the problems it finds, naming the offending transaction where there is one.
An empty list means: every transaction sums to zero, nothing was edited, reversals mirror what
they reverse, hours, statements and payments agree with the entries, every balance is what the
statements say it should be, and the provider moved money exactly once per idempotency key,
all of it recorded.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from payments_stub.models import (
    Account,
    Entry,
    HoursLog,
    LedgerTransaction,
    Payment,
    ProviderOperation,
    Statement,
)

TRIGGERS = {
    "payments_stub_entry_balanced",
    "payments_stub_entry_append_only",
    "payments_stub_transaction_append_only",
    "payments_stub_hoursevent_append_only",
}
Kind = Account.Kind


@dataclass(frozen=True)
class Problem:
    check: str
    detail: str
    transaction_id: int | None = None

    def __str__(self) -> str:
        where = f"transaction #{self.transaction_id}: " if self.transaction_id else ""
        return f"[{self.check}] {where}{self.detail}"


def ledger_problems() -> list[Problem]:
    """Every invariant, in order; the first ones are the most fundamental."""
    checks = [
        unbalanced_transactions,
        edited_entries,
        missing_triggers,
        bad_reversals,
        hours_postings,
        statement_totals,
        payments_recorded,
        provider_operations,
        balances_against_statements,
    ]
    return [problem for check in checks for problem in check()]


def unbalanced_transactions() -> list[Problem]:
    found = (
        LedgerTransaction.objects.annotate(
            total=Coalesce(Sum("entries__amount_cents"), 0), count=Count("entries")
        )
        .filter(~Q(total=0) | Q(count__lt=2))
        .order_by("pk")
    )
    return [
        Problem("balanced", f"{t.kind} “{t.memo}”: {t.count} entries summing to {t.total}", t.pk)
        for t in found
    ]


def edited_entries() -> list[Problem]:
    """Entries are written with their transaction and never touched: same instant, none later
    than now, and ids in the order of time."""
    problems = [
        Problem("append-only", f"entry #{e.pk} is dated apart from its transaction", e.tx)
        for e in Entry.objects.exclude(created_at=F("transaction__created_at")).annotate(
            tx=F("transaction_id")
        )
    ]
    future = LedgerTransaction.objects.filter(created_at__gt=timezone.now())
    problems += [Problem("append-only", "dated in the future", t.pk) for t in future]
    return problems


def missing_triggers() -> list[Problem]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'payments_stub_%%'")
        present = {row[0] for row in cursor.fetchall()}
    return [
        Problem("append-only", f"database trigger {name} is missing") for name in TRIGGERS - present
    ]


def _lines(transaction_ids) -> dict[int, Counter]:
    lines: dict[int, Counter] = defaultdict(Counter)
    entries = Entry.objects.filter(transaction_id__in=transaction_ids)
    for tx, acc, amount in entries.values_list("transaction_id", "account_id", "amount_cents"):
        lines[tx][acc] += amount
    return lines


def bad_reversals() -> list[Problem]:
    reversals = dict(
        LedgerTransaction.objects.filter(reverses__isnull=False).values_list("pk", "reverses_id")
    )
    lines = _lines([*reversals, *reversals.values()])
    return [
        Problem("reversal", f"does not mirror transaction #{original}", pk)
        for pk, original in reversals.items()
        if {acc: -n for acc, n in lines[original].items()} != dict(lines[pk])
    ]


def _expected_hours_lines(hours: HoursLog, accounts: dict) -> dict[int, int]:
    wanted = [
        ((Kind.HELPPIE_RECEIVABLE, hours.helppie_id, None), hours.helppie_cents),
        ((Kind.FUND_RECEIVABLE, None, hours.fund_id), hours.contribution_cents),
        ((Kind.HELPPER_PAYABLE, hours.helpper_id, None), -hours.net_cents),
        ((Kind.WITHHOLDING, None, None), -hours.withheld_cents),
        ((Kind.PLATFORM_FEES, None, None), -hours.fee_cents),
    ]
    return {accounts.get(key, key): amount for key, amount in wanted if amount}


def hours_postings() -> list[Problem]:
    """Validated hours are posted with exactly their amounts; every hours transaction is the
    current posting of some hours or has been reversed."""
    accounts = {(a.kind, a.user_id, a.fund_id): a.pk for a in Account.objects.all()}
    validated = list(HoursLog.objects.filter(status=HoursLog.Status.VALIDATED))
    lines = _lines([h.posting_id for h in validated if h.posting_id])
    problems = []
    for hours in validated:
        expected = _expected_hours_lines(hours, accounts)
        actual = dict(lines[hours.posting_id]) if hours.posting_id else {}
        if actual != expected:
            problems.append(
                Problem("hours", f"hours #{hours.pk} posted {actual}, expected {expected}")
            )
    orphans = LedgerTransaction.objects.filter(
        kind=LedgerTransaction.Kind.HOURS, posted_hours__isnull=True, reversal__isnull=True
    )
    problems += [Problem("hours", "posts hours no log points to", t.pk) for t in orphans]
    return problems


def statement_totals() -> list[Problem]:
    problems = []
    for statement in Statement.objects.prefetch_related("helppie_lines", "helpper_lines"):
        if statement.kind == Statement.Kind.HELPPIE:
            total = sum(line.helppie_cents for line in statement.helppie_lines.all())
        else:
            total = sum(line.net_cents for line in statement.helpper_lines.all())
        if total != statement.total_cents:
            problems.append(
                Problem(
                    "statement",
                    f"statement #{statement.pk} says {statement.total_cents}, its lines {total}",
                )
            )
    return problems


def payments_recorded() -> list[Problem]:
    """A payment that succeeded is one ledger transaction with its key and its amount, and
    matches the provider's operation; a charge or payout equals its statement's total."""
    problems = []
    operations = {op.idempotency_key: op for op in ProviderOperation.objects.all()}
    succeeded = Payment.objects.filter(status=Payment.Status.SUCCEEDED).select_related(
        "statement", "transaction"
    )
    lines = _lines([p.transaction_id for p in succeeded])
    for payment in succeeded:
        moved = sum(n for n in lines[payment.transaction_id].values() if n > 0)
        operation = operations.get(payment.idempotency_key)
        if payment.transaction.idempotency_key != payment.idempotency_key:
            problems.append(
                Problem("payment", f"{payment} recorded under another key", payment.transaction_id)
            )
        if moved != payment.amount_cents or operation is None:
            problems.append(
                Problem(
                    "payment",
                    f"{payment}: ledger {moved}, provider "
                    f"{operation.amount_cents if operation else 'nothing'}",
                    payment.transaction_id,
                )
            )
        elif operation.amount_cents != payment.amount_cents:
            problems.append(
                Problem(
                    "payment",
                    f"{payment}: provider moved {operation.amount_cents}",
                    payment.transaction_id,
                )
            )
        if (
            payment.kind != Payment.Kind.REFUND
            and payment.amount_cents != payment.statement.total_cents
        ):
            problems.append(
                Problem("payment", f"{payment} differs from its statement", payment.transaction_id)
            )
    return problems


def provider_operations() -> list[Problem]:
    """The provider moved money once per key, and every movement is recorded on our side."""
    recorded = set(
        Payment.objects.filter(status=Payment.Status.SUCCEEDED).values_list(
            "idempotency_key", flat=True
        )
    )
    doubled = (
        ProviderOperation.objects.values("idempotency_key").annotate(n=Count("pk")).filter(n__gt=1)
    )
    problems = [
        Problem("provider", f"{row['idempotency_key']} moved {row['n']} times") for row in doubled
    ]
    problems += [
        Problem(
            "unrecorded",
            f"{op.kind} {op.idempotency_key} ({op.amount_cents}) moved at the "
            "provider but is not recorded: run run_billing again",
        )
        for op in ProviderOperation.objects.exclude(idempotency_key__in=recorded)
    ]
    return problems


def _balances() -> dict[tuple, int]:
    rows = Entry.objects.values("account__kind", "account__user", "account__fund").annotate(
        total=Sum("amount_cents")
    )
    return {
        (row["account__kind"], row["account__user"], row["account__fund"]): row["total"]
        for row in rows
    }


def _expected_balances() -> dict[tuple, int]:
    """What each account must hold if every hours log, statement and payment is right."""
    expected: dict[tuple, int] = defaultdict(int)
    validated = HoursLog.objects.filter(status=HoursLog.Status.VALIDATED)
    for h in validated:
        if h.helppie_statement_id is None:
            expected[(Kind.HELPPIE_RECEIVABLE, h.helppie_id, None)] += h.helppie_cents
        if h.helpper_statement_id is None:
            expected[(Kind.HELPPER_PAYABLE, h.helpper_id, None)] -= h.net_cents
        expected[(Kind.FUND_RECEIVABLE, None, h.fund_id)] += h.contribution_cents
        expected[(Kind.WITHHOLDING, None, None)] -= h.withheld_cents
        expected[(Kind.PLATFORM_FEES, None, None)] -= h.fee_cents
    _expect_statements(expected)
    return {key: value for key, value in expected.items() if value}


def _expect_statements(expected: dict) -> None:
    settled = set(
        Payment.objects.filter(status=Payment.Status.SUCCEEDED)
        .exclude(kind=Payment.Kind.REFUND)
        .values_list("statement_id", flat=True)
    )
    for s in Statement.objects.all():
        if s.pk in settled:
            continue
        if s.kind == Statement.Kind.HELPPIE:
            expected[(Kind.HELPPIE_RECEIVABLE, s.person_id, None)] += s.total_cents
        else:
            expected[(Kind.HELPPER_PAYABLE, s.person_id, None)] -= s.total_cents
    for p in Payment.objects.filter(status=Payment.Status.SUCCEEDED):
        sign = {"charge": 1, "payout": -1, "refund": -1}[p.kind]
        expected[(Kind.PROVIDER_CLEARING, None, None)] += sign * p.amount_cents
        if p.kind == Payment.Kind.REFUND:
            expected[(Kind.GOODWILL, None, None)] += p.amount_cents


def balances_against_statements() -> list[Problem]:
    actual = {key: value for key, value in _balances().items() if value}
    expected = _expected_balances()
    return [
        Problem(
            "balance",
            f"{key[0]} (user {key[1]}, fund {key[2]}) holds "
            f"{actual.get(key, 0)}, statements say {expected.get(key, 0)}",
        )
        for key in sorted(set(actual) | set(expected), key=str)
        if actual.get(key, 0) != expected.get(key, 0)
    ]
