"""Billing: monthly statements, then charges, payouts and refunds through the payment provider.

Safe to run again at any point, even after a crash half-way: statements are unique per person,
side and month; a payment's idempotency key is derived from its kind, month and person, so the
provider moves the money once per key, and the ledger transaction that records it carries the
same key (unique). The provider is always called outside our database transactions: a slow or
failing provider never holds a lock, and what it did is recorded the moment it answers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.models import User
from payments_stub import ledger, periods
from payments_stub.models import Account, BillingRun, HoursLog, Payment, Statement
from payments_stub.provider import PaymentProvider, ProviderError, Receipt, get_provider

SIDES = ((Statement.Kind.HELPPIE, "helppie"), (Statement.Kind.HELPPER, "helpper"))


def billing_run(*, month: date, by: User | None = None) -> BillingRun:
    """Build the month's statements, charge the helppies and pay the helppers.

    A second run changes nothing that the first did (it only retries what failed); a run after a
    crash finishes the work without charging or paying anyone twice.
    """
    if month > periods.current_month():
        raise ValidationError({"month": _("This month has not begun yet.")})
    run = BillingRun.objects.create(month=month, by=by)
    run.statements_created = statements_build(month=month)
    done = [statement_charge(statement=s) for s in _unpaid(month, Statement.Kind.HELPPIE)]
    done += [statement_pay_out(statement=s) for s in _unpaid(month, Statement.Kind.HELPPER)]
    run.payments_succeeded = sum(p.status == Payment.Status.SUCCEEDED for p in done)
    run.payments_failed = len(done) - run.payments_succeeded
    run.finished_at = timezone.now()
    run.save()
    return run


def _unpaid(month: date, kind: str) -> list[Statement]:
    paid = Payment.objects.filter(
        statement=OuterRef("pk"),
        kind=Payment.Kind.CHARGE if kind == Statement.Kind.HELPPIE else Payment.Kind.PAYOUT,
        status=Payment.Status.SUCCEEDED,
    )
    unpaid = Statement.objects.filter(month=month, kind=kind, total_cents__gt=0)
    return list(unpaid.filter(~Exists(paid)).order_by("pk"))


# --- statements -------------------------------------------------------------------------------


def statements_build(*, month: date) -> int:
    """Put every validated, unbilled hours log that started before the end of `month` on its
    person's statement for `month` (both sides), once; returns how many statements were made.

    A person who already has this month's statement keeps it unchanged: hours validated after
    it was built wait for the next month's statement.
    """
    end = periods.month_bounds(month)[1]
    unbilled = HoursLog.objects.filter(status=HoursLog.Status.VALIDATED, started_at__lt=end)
    created = 0
    for kind, side in SIDES:
        people = (
            unbilled.filter(**{f"{side}_statement__isnull": True})
            .order_by()
            .values_list(side, flat=True)
            .distinct()
        )
        for person_id in list(people):
            created += _statement_build(kind, side, person_id=person_id, month=month, end=end)
    return created


def _statement_build(kind: str, side: str, *, person_id: int, month: date, end) -> int:
    try:
        with transaction.atomic():
            if Statement.objects.filter(kind=kind, person_id=person_id, month=month).exists():
                return 0
            lines = list(
                HoursLog.objects.select_for_update()
                .filter(status=HoursLog.Status.VALIDATED, started_at__lt=end)
                .filter(**{side: person_id, f"{side}_statement__isnull": True})
                .order_by("pk")
            )
            if not lines:
                return 0
            statement = Statement.objects.create(
                kind=kind, person_id=person_id, month=month, **_totals(kind, lines)
            )
            HoursLog.objects.filter(pk__in=[line.pk for line in lines]).update(
                **{f"{side}_statement": statement}
            )
    except IntegrityError:  # another run built it at the same instant
        return 0
    return 1


def _totals(kind: str, lines: list[HoursLog]) -> dict[str, int]:
    totals = {
        name: sum(getattr(line, name) for line in lines)
        for name in ["minutes", "gross_cents", "fee_cents", "contribution_cents"]
    }
    totals["withheld_cents"] = sum(line.withheld_cents for line in lines)
    if kind == Statement.Kind.HELPPIE:
        totals["total_cents"] = sum(line.helppie_cents for line in lines)
    else:
        totals["total_cents"] = sum(line.net_cents for line in lines)
    return totals


# --- money through the provider ---------------------------------------------------------------


def payment_key(*, kind: str, statement: Statement) -> str:
    """The idempotency key of a statement's payment: the same on every retry, for ever."""
    return f"{kind}:{statement.month:%Y-%m}:{statement.kind}:{statement.person_id}"


def statement_charge(*, statement: Statement) -> Payment:
    """Charge a helppie what their statement says, at most once whatever happens."""
    payment = _payment_open(statement, Payment.Kind.CHARGE, statement.total_cents)
    return _payment_perform(
        payment,
        lambda provider: provider.charge(
            customer=f"user:{statement.person_id}",
            amount_cents=payment.amount_cents,
            idempotency_key=payment.idempotency_key,
            description=f"Neighbourhelp {statement.month:%Y-%m}",
        ),
    )


def statement_pay_out(*, statement: Statement) -> Payment:
    """Pay a helpper their statement's net amount, at most once whatever happens."""
    payment = _payment_open(statement, Payment.Kind.PAYOUT, statement.total_cents)
    return _payment_perform(
        payment,
        lambda provider: provider.pay_out(
            payee=f"user:{statement.person_id}",
            amount_cents=payment.amount_cents,
            idempotency_key=payment.idempotency_key,
            description=f"Neighbourhelp {statement.month:%Y-%m}",
        ),
    )


def statement_refund(*, statement: Statement, by: User, reason: str) -> Payment:
    """Staff give a helppie back what a paid statement charged them, once. The platform bears
    the cost (the goodwill account): the helpper keeps their allowance, the fund its share."""
    if not by.is_staff:
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Please note why, for the history.")})
    charge = statement.payments.filter(
        kind=Payment.Kind.CHARGE, status=Payment.Status.SUCCEEDED
    ).first()
    if charge is None:
        raise ValidationError(_("This statement is not paid: there is nothing to refund."))
    payment = _payment_open(
        statement, Payment.Kind.REFUND, charge.amount_cents, reason=reason.strip(), by=by
    )
    return _payment_perform(
        payment,
        lambda provider: provider.refund(
            charge_reference=charge.provider_reference,
            amount_cents=payment.amount_cents,
            idempotency_key=payment.idempotency_key,
        ),
    )


def _payment_open(statement, kind, amount, *, reason: str = "", by: User | None = None):
    key = payment_key(kind=kind, statement=statement)
    defaults = {"kind": kind, "statement": statement, "person_id": statement.person_id}
    defaults.update(amount_cents=amount, reason=reason, requested_by=by)
    try:
        with transaction.atomic():
            payment, _created = Payment.objects.get_or_create(
                idempotency_key=key, defaults=defaults
            )
    except IntegrityError:  # opened at the same instant by another run
        payment = Payment.objects.get(idempotency_key=key)
    return payment


def _payment_perform(payment: Payment, call: Callable[[PaymentProvider], Receipt]) -> Payment:
    if payment.status == Payment.Status.SUCCEEDED:
        return payment
    Payment.objects.filter(pk=payment.pk).update(attempts=F("attempts") + 1)
    try:
        receipt = call(get_provider())
    except ProviderError as error:
        Payment.objects.filter(pk=payment.pk).exclude(status=Payment.Status.SUCCEEDED).update(
            status=Payment.Status.FAILED, last_error=str(error)[:300]
        )
        payment.refresh_from_db()
        return payment
    return _payment_record(payment, receipt)


def _payment_record(payment: Payment, receipt: Receipt) -> Payment:
    """Record what the provider did, once: under the payment's lock, in one transaction with
    its ledger entries, which carry the payment's idempotency key."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status == Payment.Status.SUCCEEDED:
            return payment
        payment.transaction = ledger.transaction_post(
            kind=payment.kind,
            lines=_payment_lines(payment),
            memo=f"{payment.get_kind_display()} {payment.idempotency_key}",
            by=payment.requested_by,
            idempotency_key=payment.idempotency_key,
        )
        payment.status, payment.provider_reference = Payment.Status.SUCCEEDED, receipt.reference
        payment.succeeded_at, payment.last_error = timezone.now(), ""
        payment.save()
    return payment


def _payment_lines(payment: Payment) -> list[ledger.Line]:
    clearing = ledger.account(Account.Kind.PROVIDER_CLEARING)
    amount = payment.amount_cents
    if payment.kind == Payment.Kind.CHARGE:
        owed = ledger.account(Account.Kind.HELPPIE_RECEIVABLE, user_id=payment.person_id)
        return [(clearing, amount), (owed, -amount)]
    if payment.kind == Payment.Kind.PAYOUT:
        owed = ledger.account(Account.Kind.HELPPER_PAYABLE, user_id=payment.person_id)
        return [(owed, amount), (clearing, -amount)]
    return [(ledger.account(Account.Kind.GOODWILL), amount), (clearing, -amount)]
