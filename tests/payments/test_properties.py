"""Whatever happens, in whatever order — hours logged, confirmed, questioned, settled, corrected,
validated automatically, memberships changing, billing runs against a provider that declines or
times out (before or after moving the money), reruns, refunds — the ledger balances, nobody is
charged or paid twice, and once everything is settled, not a cent is missing anywhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from marketplace.models import User, Visit
from payments_stub import billing, integrity, periods, selectors, services
from payments_stub.models import (
    Account,
    HoursLog,
    PartnerFund,
    Payment,
    ProviderFault,
    ProviderOperation,
    Statement,
)
from payments_stub.provider import FakeProvider
from tests import factories
from tests.payments.conftest import last_month, visit_done

VISITS = 8
MONTHS = 2  # visits two months ago and last month
VISIT_OPERATIONS = {"log", "validate", "dispute", "settle", "correct"}


@dataclass
class World:
    helppies: list[User]
    visits: list[Visit]
    fund: PartnerFund
    claire: User
    months: list[date]


@pytest.fixture
def world(jeanne, bob, pieter, marc, claire, fund) -> World:
    """Jeanne (€ 8.00/h) and Bob (€ 15.00/h, the most allowed) helped by Pieter and Marc."""
    requests = [
        factories.help_request(helppie=jeanne, hourly_allowance_cents=800),
        factories.help_request(helppie=bob, hourly_allowance_cents=1500),
    ]
    months = [periods.month_start(last_month() - timedelta(days=1)), last_month()]
    visits = [
        visit_done(
            requests[n % 2],
            [pieter, marc][(n // 2) % 2],
            day=months[n % MONTHS].replace(day=1 + n),
        )
        for n in range(VISITS)
    ]
    return World([jeanne, bob], visits, fund, claire, months)


index = st.integers(min_value=0, max_value=VISITS - 1)
minutes = st.integers(min_value=15, max_value=300)
operations = st.one_of(
    st.tuples(st.just("log"), index, minutes, st.integers(min_value=0, max_value=30)),
    st.tuples(st.just("validate"), index),
    st.tuples(st.just("dispute"), index),
    st.tuples(st.just("settle"), index, st.sampled_from(["accept", "correct", "reject"]), minutes),
    st.tuples(st.just("correct"), index, minutes),
    st.tuples(st.just("overdue")),
    st.tuples(st.just("member"), st.booleans()),
    st.tuples(
        st.just("fault"),
        st.sampled_from(["", "charge", "payout", "refund"]),
        st.sampled_from(["fail", "timeout", "timeout_after"]),
        st.integers(min_value=1, max_value=3),
    ),
    st.tuples(st.just("bill"), st.integers(min_value=0, max_value=MONTHS - 1)),
    st.tuples(st.just("refund"), st.integers(min_value=0, max_value=3)),
)


def apply(world: World, operation: tuple) -> None:
    """Do one thing, as people and machines would; refusals (ValidationError) are part of life."""
    name, *args = operation
    visit = world.visits[args[0]] if name in VISIT_OPERATIONS else None
    hours = HoursLog.objects.filter(visit=visit).first() if visit else None
    if visit and name != "log" and hours is None:
        return event(f"nothing to {name}")
    try:
        if name == "log":
            services.hours_log(
                visit=visit,
                helpper=visit.helpper,
                started_at=visit.starts_at,
                ended_at=visit.starts_at + timedelta(minutes=args[1]),
                break_minutes=min(args[2], args[1] - 1),
            )
        elif name == "validate":
            services.hours_validate(hours=hours, by=hours.helppie)
        elif name == "dispute":
            services.hours_dispute(hours=hours, by=hours.helppie, reason="Not right")
        elif name == "settle":
            end = visit.starts_at + timedelta(minutes=args[2])
            services.hours_settle(
                hours=hours,
                by=world.claire,
                outcome=args[1],
                note="Settled",
                started_at=visit.starts_at,
                ended_at=end,
                break_minutes=0,
            )
        elif name == "correct":
            services.hours_correct(
                hours=hours,
                by=world.claire,
                started_at=visit.starts_at,
                ended_at=visit.starts_at + timedelta(minutes=args[1]),
                break_minutes=0,
                note="Corrected",
            )
        else:
            apply_machine(world, name, args)
    except ValidationError:
        event(f"refused: {name}")
    else:
        event(name)


def apply_machine(world: World, name: str, args: list) -> None:
    jeanne = world.helppies[0]
    if name == "overdue":
        services.hours_validate_overdue(now=timezone.now() + timedelta(days=400))
    elif name == "member" and args[0]:
        services.membership_set(
            helppie=jeanne, fund=world.fund, member_number="123-456789-01", by=jeanne
        )
    elif name == "member":
        services.membership_end(helppie=jeanne, by=jeanne)
    elif name == "fault":
        FakeProvider.fail_next(kind=args[0], mode=args[1], times=args[2])
    elif name == "bill":
        billing.billing_run(month=world.months[args[0]])
    elif name == "refund":
        paid = Statement.objects.filter(kind="helppie", payments__status="succeeded")
        statement = paid.order_by("pk")[args[0] : args[0] + 1].first()
        if statement is not None:
            billing.statement_refund(statement=statement, by=world.claire, reason="Goodwill")


def assert_balanced() -> None:
    """After every step: every transaction sums to zero and no key moved money twice."""
    assert integrity.unbalanced_transactions() == []
    assert [p for p in integrity.provider_operations() if p.check != "unrecorded"] == []


def assert_never_broken() -> None:
    """Every invariant; only money moved but not yet recorded (an answer lost after the money
    moved, which the next run records) may be pending."""
    problems = [p for p in integrity.ledger_problems() if p.check != "unrecorded"]
    assert problems == []


def settle_everything(world: World) -> None:
    """The provider recovers; every answer is given; billing and refunds are retried."""
    ProviderFault.objects.all().delete()
    services.hours_validate_overdue(now=timezone.now() + timedelta(days=400))
    for hours in HoursLog.objects.filter(status=HoursLog.Status.DISPUTED):
        services.hours_settle(hours=hours, by=world.claire, outcome="accept")
    for month in [*world.months, periods.current_month()]:
        billing.billing_run(month=month)
    for refund in Payment.objects.filter(kind="refund").exclude(status="succeeded"):
        billing.statement_refund(statement=refund.statement, by=world.claire, reason="Retry")


def assert_not_a_cent_lost() -> None:
    assert integrity.ledger_problems() == []
    balances = selectors.balances_by_kind()
    assert balances.get(Account.Kind.HELPPIE_RECEIVABLE, 0) == 0  # everyone charged
    assert balances.get(Account.Kind.HELPPER_PAYABLE, 0) == 0  # everyone paid
    moved = {
        row["kind"]: row["total"]
        for row in ProviderOperation.objects.values("kind").annotate(total=Sum("amount_cents"))
    }
    charged, paid, refunded = (moved.get(k, 0) for k in ("charge", "payout", "refund"))
    assert balances.get(Account.Kind.PROVIDER_CLEARING, 0) == charged - paid - refunded
    validated = HoursLog.objects.filter(status=HoursLog.Status.VALIDATED)
    totals = {f: validated.aggregate(t=Sum(f))["t"] or 0 for f in ["gross_cents", "fee_cents"]}
    contributions = validated.aggregate(t=Sum("contribution_cents"))["t"] or 0
    withheld = validated.aggregate(t=Sum("withheld_cents"))["t"] or 0
    # What helppies and funds owe is exactly what helppers, the tax authority and we receive.
    assert charged + contributions == totals["gross_cents"] + totals["fee_cents"]
    assert paid + withheld == totals["gross_cents"]
    assert balances.get(Account.Kind.FUND_RECEIVABLE, 0) == contributions
    assert -balances.get(Account.Kind.PLATFORM_FEES, 0) == totals["fee_cents"]
    assert balances.get(Account.Kind.GOODWILL, 0) == refunded


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    logged=st.dictionaries(index, st.tuples(minutes, st.integers(0, 30)), min_size=1),
    steps=st.lists(operations, min_size=1, max_size=20),
)
def test_the_ledger_balances_and_no_cent_is_lost(world, logged, steps):
    with transaction.atomic():
        for step in [("log", n, *times) for n, times in logged.items()] + steps:
            apply(world, step)
            assert_balanced()
        assert_never_broken()
        settle_everything(world)
        event(f"charges: {ProviderOperation.objects.filter(kind='charge').count()}")
        assert_not_a_cent_lost()
        with connection.cursor() as cursor:  # what COMMIT would check: every transaction sums to 0
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        transaction.set_rollback(True)
