"""At the same instant, on separate database connections (as separate workers would be): billing
runs, confirmations and the automatic validation never charge, pay or post anything twice."""

from collections.abc import Callable

import pytest

from payments_stub import billing, integrity, services
from payments_stub.models import HoursLog, LedgerTransaction, ProviderOperation, Statement
from tests import factories
from tests.concurrency import race as shared_race
from tests.payments.conftest import a_day_last_month, last_month, log, visit_done

CONTENDERS = 8


def race(attempts: list[Callable[[], object]]) -> list[str]:
    return shared_race(attempts, success="done")


def some_confirmed_hours() -> list[HoursLog]:
    """Three helppies helped by two helppers last month, every hour confirmed."""
    helppers = [factories.helpper(), factories.helpper()]
    logs = []
    for n in range(3):
        helppie = factories.UserFactory(is_helppie=True)
        request = factories.help_request(helppie=helppie, place=factories.place_at(helppie, "1050"))
        for day in (4, 5):
            hours = log(visit_done(request, helppers[n % 2], day=a_day_last_month(day)))
            logs.append(services.hours_validate(hours=hours, by=helppie))
    return logs


@pytest.mark.django_db(transaction=True)
def test_simultaneous_billing_runs_charge_and_pay_everyone_once():
    some_confirmed_hours()

    outcomes = race([lambda: billing.billing_run(month=last_month())] * CONTENDERS)

    assert outcomes == ["done"] * CONTENDERS
    assert Statement.objects.count() == 3 + 2
    keys = list(ProviderOperation.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == len(set(keys)) == 5
    assert LedgerTransaction.objects.filter(kind__in=["charge", "payout"]).count() == 5
    assert integrity.ledger_problems() == []


@pytest.mark.django_db(transaction=True)
def test_simultaneous_confirmations_post_the_hours_once():
    helppie = factories.UserFactory(is_helppie=True)
    request = factories.help_request(helppie=helppie, place=factories.place_at(helppie, "1050"))
    hours = log(visit_done(request, factories.helpper()))
    staff = factories.UserFactory(is_staff=True)

    outcomes = race(
        [lambda: services.hours_validate(hours=hours, by=helppie)] * (CONTENDERS // 2)
        + [lambda: services.hours_validate(hours=hours, by=staff)] * (CONTENDERS // 2)
    )

    assert outcomes.count("done") == 1, outcomes
    assert set(outcomes) == {"done", "These hours have already been answered."}
    assert LedgerTransaction.objects.filter(kind="hours").count() == 1
    assert integrity.ledger_problems() == []
