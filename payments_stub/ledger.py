"""Writing to the ledger: the only way entries come into being.

`transaction_post` refuses a transaction whose entries do not sum to zero before anything is
written; a deferred constraint trigger checks it again at commit. Nothing here updates or deletes:
`transaction_reverse` undoes a transaction by posting its mirror image, once.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from marketplace.models import User
from payments_stub.models import Account, Entry, LedgerTransaction

Line = tuple[Account, int]


class UnbalancedTransaction(ValueError):
    """Entries that do not sum to zero, or a transaction with fewer than two entries."""


def account(kind: str, *, user_id: int | None = None, fund_id: int | None = None) -> Account:
    """The account of that kind (and owner), created the first time it is needed."""
    owner = {"kind": kind, "user_id": user_id, "fund_id": fund_id}
    found = Account.objects.filter(**owner).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Account.objects.create(**owner)
    except IntegrityError:  # created at the same instant by another process
        return Account.objects.get(**owner)


def transaction_post(
    *,
    kind: str,
    lines: Sequence[Line],
    memo: str,
    by: User | None = None,
    reverses: LedgerTransaction | None = None,
    idempotency_key: str | None = None,
) -> LedgerTransaction:
    """Post one balanced transaction. Zero lines are dropped; what remains must sum to zero
    and hold at least two entries, or nothing is written (UnbalancedTransaction)."""
    lines = [(acc, amount) for acc, amount in lines if amount != 0]
    if len(lines) < 2 or sum(amount for _acc, amount in lines) != 0:
        raise UnbalancedTransaction(f"{memo}: {[(a.kind, n) for a, n in lines]}")
    with transaction.atomic():
        posted = LedgerTransaction.objects.create(
            kind=kind,
            memo=memo[:200],
            created_by=by,
            reverses=reverses,
            idempotency_key=idempotency_key,
            created_at=timezone.now(),
        )
        Entry.objects.bulk_create(
            Entry(
                transaction=posted, account=acc, amount_cents=amount, created_at=posted.created_at
            )
            for acc, amount in lines
        )
    return posted


def transaction_reverse(
    *, original: LedgerTransaction, by: User | None, memo: str
) -> LedgerTransaction:
    """Undo `original` with its mirror image. A transaction is reversed at most once (a unique
    constraint on `reverses` says so even when two people try at the same instant)."""
    lines = [(entry.account, -entry.amount_cents) for entry in original.entries.all()]
    return transaction_post(
        kind=LedgerTransaction.Kind.REVERSAL, lines=lines, memo=memo, by=by, reverses=original
    )
