"""The ledger: every transaction sums to zero, nothing is edited, mistakes are reversed, and
`ledger_check` says so, or names the transaction that breaks a rule."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from payments_stub import billing, integrity, ledger
from payments_stub.models import Account, Entry, LedgerTransaction
from tests.payments.conftest import last_month, logged_and_validated


@pytest.fixture
def fees(db):
    return ledger.account(Account.Kind.PLATFORM_FEES)


@pytest.fixture
def clearing(db):
    return ledger.account(Account.Kind.PROVIDER_CLEARING)


def test_it_refuses_a_transaction_that_does_not_sum_to_zero(fees, clearing):
    with pytest.raises(ledger.UnbalancedTransaction):
        ledger.transaction_post(kind="charge", lines=[(clearing, 100), (fees, -99)], memo="x")
    with pytest.raises(ledger.UnbalancedTransaction):
        ledger.transaction_post(kind="charge", lines=[(clearing, 0), (fees, 0)], memo="empty")
    assert LedgerTransaction.objects.count() == Entry.objects.count() == 0


def test_a_reversal_mirrors_the_original_once(fees, clearing):
    original = ledger.transaction_post(
        kind="charge", lines=[(clearing, 250), (fees, -250)], memo="fee"
    )

    reversal = ledger.transaction_reverse(original=original, by=None, memo="mistake")
    assert sorted(reversal.entries.values_list("amount_cents", flat=True)) == [-250, 250]
    assert reversal.reverses == original
    with pytest.raises(IntegrityError), transaction.atomic():
        ledger.transaction_reverse(original=original, by=None, memo="twice")


def test_entries_and_transactions_cannot_be_edited_or_deleted(fees, clearing):
    posted = ledger.transaction_post(kind="charge", lines=[(clearing, 5), (fees, -5)], memo="x")

    with pytest.raises(DatabaseError), transaction.atomic():
        Entry.objects.filter(transaction=posted).update(amount_cents=6)
    with pytest.raises(DatabaseError), transaction.atomic():
        Entry.objects.filter(transaction=posted).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerTransaction.objects.filter(pk=posted.pk).update(memo="rewritten")


def _insert_unbalanced(account: Account) -> LedgerTransaction:
    """What no service would do: a transaction of one entry, written straight to the tables."""
    now = timezone.now()
    bad = LedgerTransaction.objects.create(kind="charge", memo="forged", created_at=now)
    Entry.objects.create(transaction=bad, account=account, amount_cents=1234, created_at=now)
    return bad


def test_the_database_refuses_an_unbalanced_transaction_at_commit(clearing):
    with pytest.raises(IntegrityError, match="does not sum to zero"), transaction.atomic():
        _insert_unbalanced(clearing)
        with connection.cursor() as cursor:  # what COMMIT does with the deferred trigger
            cursor.execute("SET CONSTRAINTS payments_stub_entry_balanced IMMEDIATE")


def test_ledger_check_passes_on_good_data(visit):
    logged_and_validated(visit)
    billing.billing_run(month=last_month())
    out = StringIO()

    call_command("ledger_check", stdout=out)
    assert "every invariant holds" in out.getvalue()


def test_ledger_check_fails_and_names_an_unbalanced_transaction(visit, clearing):
    logged_and_validated(visit)
    out = StringIO()

    with transaction.atomic():  # rolled back before the commit-time trigger could refuse it
        bad = _insert_unbalanced(clearing)
        with pytest.raises(CommandError, match="problems"):
            call_command("ledger_check", stdout=out)
        transaction.set_rollback(True)
    assert f"[balanced] transaction #{bad.pk}: charge “forged”: 1 entries summing to 1234" in (
        out.getvalue()
    )


def test_ledger_check_notices_an_entry_that_disagrees_with_the_hours(visit):
    hours = logged_and_validated(visit)

    with transaction.atomic(), connection.cursor() as cursor:
        # An intruder with the database's keys switches the triggers off and edits an entry.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE payments_stub_entry SET amount_cents = amount_cents + 1 "
            "WHERE transaction_id = %s AND amount_cents > 0",
            [hours.posting_id],
        )
        checks = {problem.check for problem in integrity.ledger_problems()}
        transaction.set_rollback(True)
    assert {"balanced", "hours", "balance"} <= checks


def test_balances_are_sums_of_entries_never_stored(visit, jeanne):
    logged_and_validated(visit)

    receivable = Account.objects.get(kind=Account.Kind.HELPPIE_RECEIVABLE, user=jeanne)
    assert not hasattr(receivable, "balance")
    assert sum(receivable.entries.values_list("amount_cents", flat=True)) == 2500
