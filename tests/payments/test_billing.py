"""Monthly billing: statements once per person and month, charges and payouts once per key,
whatever happens: a second run, a provider failing half-way, an answer lost after money moved."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import translation

from payments_stub import billing, integrity, periods, selectors, services
from payments_stub.models import (
    Account,
    Entry,
    HoursLog,
    Payment,
    ProviderCall,
    ProviderOperation,
    Statement,
)
from payments_stub.provider import FakeProvider
from tests import factories
from tests.payments.conftest import (
    last_month,
    log,
    logged_and_validated,
    visit_done,
)


def snapshot() -> dict:
    """Everything billing may change, except the log of runs."""
    return {
        "statements": list(Statement.objects.order_by("pk").values()),
        "payments": list(Payment.objects.order_by("pk").values()),
        "entries": list(Entry.objects.order_by("pk").values()),
        "operations": list(ProviderOperation.objects.order_by("pk").values()),
        "calls": ProviderCall.objects.count(),
        "hours": list(HoursLog.objects.order_by("pk").values()),
    }


@pytest.fixture
def month_of_help(jeanne, bob, pieter, marc, jeannes_request):
    """Last month: Pieter helped Jeanne twice and Bob once, Marc helped Bob once; all confirmed."""
    bobs_request = factories.help_request(helppie=bob, hourly_allowance_cents=1000)
    month = last_month()
    for helpper, request, day in [
        (pieter, jeannes_request, 3),
        (pieter, jeannes_request, 10),
        (pieter, bobs_request, 11),
        (marc, bobs_request, 12),
    ]:
        logged_and_validated(visit_done(request, helpper, day=month.replace(day=day)))
    return month


def test_a_run_builds_statements_charges_helppies_and_pays_helppers(month_of_help, jeanne):
    run = billing.billing_run(month=month_of_help)

    assert run.statements_created == 4  # Jeanne, Bob; Pieter, Marc
    assert (run.payments_succeeded, run.payments_failed) == (4, 0)
    statement = Statement.objects.get(person=jeanne)
    assert statement.total_cents == 2 * (800 + 200)  # two hours at € 8.00 + € 2.00 fee
    assert statement.payment("charge").idempotency_key == (
        f"charge:{month_of_help:%Y-%m}:helppie:{jeanne.pk}"
    )
    assert integrity.ledger_problems() == []


def test_running_it_twice_changes_nothing_the_second_time(month_of_help):
    billing.billing_run(month=month_of_help)
    before = snapshot()

    second = billing.billing_run(month=month_of_help)
    assert snapshot() == before
    assert (second.statements_created, second.payments_succeeded) == (0, 0)


def test_a_provider_failure_half_way_then_a_rerun_charges_everyone_exactly_once(month_of_help):
    FakeProvider.fail_next(mode="fail", kind="charge")  # the first charge is declined
    FakeProvider.fail_next(mode="timeout_after", kind="payout")  # a payout's answer is lost

    first = billing.billing_run(month=month_of_help)
    assert (first.payments_succeeded, first.payments_failed) == (2, 2)
    unrecorded = {p.check for p in integrity.ledger_problems()}
    assert unrecorded == {
        "unrecorded"
    }  # the money moved, its answer was lost: rerun, says the check

    second = billing.billing_run(month=month_of_help)
    assert (second.payments_succeeded, second.payments_failed) == (2, 0)
    keys = ProviderOperation.objects.values_list("idempotency_key", flat=True)
    assert len(keys) == len(set(keys)) == 4
    assert Payment.objects.filter(status="succeeded").count() == 4
    assert integrity.ledger_problems() == []
    assert selectors.balance(kind=Account.Kind.PROVIDER_CLEARING) == sum(
        op.amount_cents * (1 if op.kind == "charge" else -1)
        for op in ProviderOperation.objects.all()
    )


def test_hours_validated_after_the_statement_wait_for_the_next_month(month_of_help, jeanne):
    billing.billing_run(month=month_of_help)
    late = log(visit_done(jeanne.help_requests.first(), factories.helpper(), day=month_of_help))
    services.hours_validate(hours=late, by=jeanne)
    billing.billing_run(month=month_of_help)
    late.refresh_from_db()
    assert late.helppie_statement is None

    billing.billing_run(month=periods.current_month())
    late.refresh_from_db()
    assert late.helppie_statement.month == periods.current_month()
    assert integrity.ledger_problems() == []


def test_a_refund_gives_back_the_charge_once_and_the_platform_bears_it(month_of_help, claire):
    billing.billing_run(month=month_of_help)
    statement = Statement.objects.filter(kind="helppie").first()

    refund = billing.statement_refund(statement=statement, by=claire, reason="Goodwill")
    again = billing.statement_refund(statement=statement, by=claire, reason="Twice?")
    assert refund.pk == again.pk and refund.status == Payment.Status.SUCCEEDED
    assert selectors.balance(kind=Account.Kind.GOODWILL) == statement.total_cents
    assert ProviderOperation.objects.filter(kind="refund").count() == 1
    with translation.override("en"):
        assert Statement.objects.get(pk=statement.pk).state == "Refunded"
    assert integrity.ledger_problems() == []


def test_an_unpaid_statement_cannot_be_refunded(month_of_help, claire):
    billing.statements_build(month=month_of_help)
    statement = Statement.objects.filter(kind="helppie").first()

    with translation.override("en"), pytest.raises(ValidationError) as error:
        billing.statement_refund(statement=statement, by=claire, reason="?")
    assert error.value.messages == ["This statement is not paid: there is nothing to refund."]


def test_a_month_to_come_cannot_be_billed(db):
    next_month = periods.next_month(periods.current_month())

    with translation.override("en"), pytest.raises(ValidationError) as error:
        billing.billing_run(month=next_month)
    assert error.value.message_dict == {"month": ["This month has not begun yet."]}


def test_the_command_runs_the_billing_and_says_when_something_failed(month_of_help):
    month, out = f"{month_of_help:%Y-%m}", StringIO()
    FakeProvider.fail_next(mode="timeout", times=4)  # every payment of the first run

    with pytest.raises(CommandError, match="run the command again"):
        call_command("run_billing", month=month, stdout=out)
    call_command("run_billing", month=month, stdout=out)
    assert "0 statements made, 4 payments done, 0 failed" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("run_billing", month="November", stdout=out)


def test_statements_are_unique_per_person_and_month(month_of_help, jeanne):
    billing.statements_build(month=month_of_help)
    statement = Statement.objects.get(person=jeanne)

    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.create(
            kind="helppie",
            person=jeanne,
            month=month_of_help,
            minutes=0,
            gross_cents=0,
            fee_cents=0,
            contribution_cents=0,
            withheld_cents=0,
            total_cents=0,
        )
    assert Statement.objects.get(person=jeanne) == statement
