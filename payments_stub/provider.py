"""The payment-provider interface, and its only implementation: a fake that keeps real books.

Every operation carries an idempotency key: asking twice with the same key moves money once and
answers with the first operation's receipt. `ProviderError` means nothing moved; its subclass
`ProviderTimeout` means the outcome is unknown, so the caller retries with the same key.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils.module_loading import import_string

from payments_stub.models import ProviderCall, ProviderFault, ProviderOperation
from payments_stub.models.provider import Operation


class ProviderError(Exception):
    """The provider refused or failed: nothing moved."""


class ProviderTimeout(ProviderError):
    """No answer in time: the money may or may not have moved. Retry with the same key."""


class _Refused(Exception):
    """A request the fake turns down as malformed (a reused key, an impossible refund)."""


@dataclass(frozen=True)
class Receipt:
    reference: str
    amount_cents: int
    replayed: bool = False


class PaymentProvider(Protocol):
    def charge(
        self, *, customer: str, amount_cents: int, idempotency_key: str, description: str = ""
    ) -> Receipt:
        """Take `amount_cents` from a helppie's payment method."""

    def pay_out(
        self, *, payee: str, amount_cents: int, idempotency_key: str, description: str = ""
    ) -> Receipt:
        """Send `amount_cents` to a helpper's account."""

    def refund(self, *, charge_reference: str, amount_cents: int, idempotency_key: str) -> Receipt:
        """Give back (part of) an earlier charge."""


def get_provider() -> PaymentProvider:
    return import_string(settings.PAYMENTS_PROVIDER)()


class FakeProvider:
    """A provider that moves no real money but behaves like one, across processes.

    It records every call (`ProviderCall`) and every operation (`ProviderOperation`, unique per
    idempotency key) in the database, and fails on demand: `fail_next()` queues faults, and the
    setting PAYMENTS_FAKE_PROVIDER_FAILURE ("fail" or "timeout") fails every call.
    """

    def charge(self, *, customer, amount_cents, idempotency_key, description=""):
        return self._operate(Operation.CHARGE, customer, amount_cents, idempotency_key)

    def pay_out(self, *, payee, amount_cents, idempotency_key, description=""):
        return self._operate(Operation.PAYOUT, payee, amount_cents, idempotency_key)

    def refund(self, *, charge_reference, amount_cents, idempotency_key):
        return self._operate(
            Operation.REFUND, charge_reference, amount_cents, idempotency_key, refunds=True
        )

    @staticmethod
    def fail_next(*, mode: str = ProviderFault.Mode.FAIL, times: int = 1, kind: str = "") -> None:
        """Make the next `times` calls (of `kind`, or any kind) fail in `mode`."""
        ProviderFault.objects.create(mode=mode, remaining=times, kind=kind)

    def _operate(self, kind, counterparty, amount_cents, key, refunds=False) -> Receipt:
        call = {"kind": kind, "idempotency_key": key, "counterparty": counterparty}
        call["amount_cents"] = amount_cents
        fault = self._fault(kind)
        if fault in (ProviderFault.Mode.FAIL, ProviderFault.Mode.TIMEOUT):
            outcome = ProviderCall.Outcome.FAILED if fault == "fail" else "timeout"
            ProviderCall.objects.create(**call, outcome=outcome, detail=f"injected {fault}")
            raise ProviderTimeout(key) if fault == "timeout" else ProviderError(f"declined: {key}")
        lost = fault == ProviderFault.Mode.TIMEOUT_AFTER
        receipt = self._perform(call, refunds, detail="answer lost (injected)" if lost else "")
        if lost:
            raise ProviderTimeout(f"{key} (moved, answer lost)")
        return receipt

    def _perform(self, call: dict, refunds: bool, detail: str) -> Receipt:
        try:
            with transaction.atomic():
                operation, replayed = self._find_or_create(call, refunds)
                outcome = ProviderCall.Outcome.REPLAYED if replayed else ProviderCall.Outcome.DONE
                ProviderCall.objects.create(
                    **call, outcome=outcome, reference=operation.reference, detail=detail
                )
        except _Refused as refused:
            ProviderCall.objects.create(**call, outcome="refused", detail=str(refused))
            raise ProviderError(str(refused)) from None
        return Receipt(operation.reference, operation.amount_cents, replayed=replayed)

    def _find_or_create(self, call: dict, refunds: bool) -> tuple[ProviderOperation, bool]:
        key = call["idempotency_key"]
        existing = ProviderOperation.objects.filter(idempotency_key=key).first()
        if existing is None:
            if refunds:
                self._check_refund(call)
            try:
                with transaction.atomic():
                    return ProviderOperation.objects.create(
                        kind=call["kind"],
                        idempotency_key=key,
                        reference=f"fake_{call['kind']}_{secrets.token_hex(8)}",
                        counterparty=call["counterparty"],
                        amount_cents=call["amount_cents"],
                        refunded_reference=call["counterparty"] if refunds else "",
                    ), False
            except IntegrityError:  # the same key, at the same instant, from another process
                existing = ProviderOperation.objects.get(idempotency_key=key)
        asked = (call["kind"], call["amount_cents"], call["counterparty"])
        if (existing.kind, existing.amount_cents, existing.counterparty) != asked:
            raise _Refused(f"idempotency key {key} reused with other details")
        return existing, True

    @staticmethod
    def _check_refund(call: dict) -> None:
        charge = (
            ProviderOperation.objects.select_for_update()
            .filter(kind=Operation.CHARGE, reference=call["counterparty"])
            .first()
        )
        refunded = ProviderOperation.objects.filter(
            refunded_reference=call["counterparty"]
        ).aggregate(total=Sum("amount_cents"))["total"]
        if charge is None or (refunded or 0) + call["amount_cents"] > charge.amount_cents:
            raise _Refused(f"cannot refund {call['amount_cents']} of {call['counterparty']}")

    @staticmethod
    def _fault(kind: str) -> str | None:
        if settings.PAYMENTS_FAKE_PROVIDER_FAILURE:
            return settings.PAYMENTS_FAKE_PROVIDER_FAILURE
        with transaction.atomic():
            fault = (
                ProviderFault.objects.select_for_update(skip_locked=True)
                .filter(Q(kind="") | Q(kind=kind), remaining__gt=0)
                .first()
            )
            if fault is None:
                return None
            ProviderFault.objects.filter(pk=fault.pk).update(remaining=F("remaining") - 1)
        return fault.mode
