"""Reads of payments, always on behalf of someone: what may this person see, and what adds up.

The access helpers (`hours_for`, `visit_for_hours`, `statement_for`) give a stranger the same
404 whether the thing is missing or someone else's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    When,
)
from django.db.models import Value as V
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from marketplace.models import User, Visit
from payments_stub import periods
from payments_stub.models import (
    Account,
    BillingRun,
    Entry,
    HoursLog,
    Payment,
    ProviderCall,
    Statement,
)

# What waiting hours will most likely be worth, rounded like money.per_hour (integer division).
_EXPECTED_GROSS = ExpressionWrapper(
    (F("minutes") * F("hourly_allowance_cents") + 30) / 60, output_field=IntegerField()
)
_WAITING = Q(status__in=[HoursLog.Status.SUBMITTED, HoursLog.Status.DISPUTED])
_VALIDATED = Q(status=HoursLog.Status.VALIDATED)


def _sum(expression, condition: Q):
    return Coalesce(Sum(Case(When(condition, then=expression), default=V(0))), V(0))


# --- earnings and the cap ---------------------------------------------------------------------


@dataclass(frozen=True)
class Earnings:
    """A helpper's hours over a period: validated amounts, and what still waits for an answer."""

    minutes: int
    gross_cents: int
    withheld_cents: int
    waiting_minutes: int
    waiting_cents: int

    @property
    def net_cents(self) -> int:
        return self.gross_cents - self.withheld_cents


def earnings(helpper: User, *, start, end) -> Earnings:
    """One query: the helpper's hours that started in [start, end)."""
    totals = HoursLog.objects.filter(
        helpper=helpper, started_at__gte=start, started_at__lt=end
    ).aggregate(
        # Named apart from the columns they sum: an aggregate may not shadow a field.
        sum_minutes=_sum(F("minutes"), _VALIDATED),
        sum_gross_cents=_sum(F("gross_cents"), _VALIDATED),
        sum_withheld_cents=_sum(F("withheld_cents"), _VALIDATED),
        sum_waiting_minutes=_sum(F("minutes"), _WAITING),
        sum_waiting_cents=_sum(_EXPECTED_GROSS, _WAITING),
    )
    return Earnings(**{name.removeprefix("sum_"): value for name, value in totals.items()})


@dataclass(frozen=True)
class CapStatus:
    """Where a helpper stands against the yearly earnings cap.

    `earned_cents` counts validated allowances and those still waiting for an answer (they are
    almost always paid, and a backlog must not carry anyone past the cap). `warning` from
    PAYMENTS_CAP_WARNING_BP of the cap; `blocked` (no new visits) once the cap is reached.
    """

    year: int
    earned_cents: int
    cap_cents: int
    ratio: float
    warning: bool
    blocked: bool

    @property
    def percent(self) -> int:
        return min(100, int(self.ratio * 100))

    @property
    def left_cents(self) -> int:
        return max(0, self.cap_cents - self.earned_cents)


def cap_from(earned_cents: int, *, year: int) -> CapStatus:
    cap = settings.PAYMENTS_ANNUAL_CAP_CENTS
    return CapStatus(
        year=year,
        earned_cents=earned_cents,
        cap_cents=cap,
        ratio=earned_cents / cap if cap else 1.0,
        warning=earned_cents * 10_000 >= cap * settings.PAYMENTS_CAP_WARNING_BP,
        blocked=earned_cents >= cap,
    )


def cap_status(helpper: User, *, year: int | None = None) -> CapStatus:
    """The helpper's position against the cap for `year` (this year by default), in one query."""
    year = year or timezone.localdate().year
    start, end = periods.year_bounds(year)
    found = earnings(helpper, start=start, end=end)
    return cap_from(found.gross_cents + found.waiting_cents, year=year)


def helppers_near_cap(*, year: int) -> list[tuple[User, CapStatus]]:
    """Helppers at or past the warning threshold this year, most earned first (two queries)."""
    start, end = periods.year_bounds(year)
    threshold = settings.PAYMENTS_ANNUAL_CAP_CENTS * settings.PAYMENTS_CAP_WARNING_BP // 10_000
    rows = (
        HoursLog.objects.filter(started_at__gte=start, started_at__lt=end)
        .values("helpper")
        .annotate(earned=_sum(F("gross_cents"), _VALIDATED) + _sum(_EXPECTED_GROSS, _WAITING))
        .filter(earned__gte=threshold)
        .order_by("-earned")
    )
    earned = {row["helpper"]: row["earned"] for row in rows}
    people = User.objects.in_bulk(list(earned))
    return [(people[pk], cap_from(total, year=year)) for pk, total in earned.items()]


# --- access to one thing ----------------------------------------------------------------------


def hours_for(*, user: User, pk: int) -> HoursLog:
    """Hours seen by their helpper, their helppie or staff; 404 for anyone else."""
    hours = (
        HoursLog.objects.select_related("visit__request", "helpper", "helppie")
        .filter(pk=pk)
        .first()
    )
    if hours is None or not user.is_authenticated:
        raise Http404
    if user.is_staff or user.pk in (hours.helpper_id, hours.helppie_id):
        return hours
    raise Http404


def visit_for_hours(*, user: User, pk: int) -> Visit:
    """A visit whose hours this user may log: only its helpper's; 404 for anyone else."""
    visit = Visit.objects.select_related("request__helppie").filter(pk=pk).first()
    if visit is None or not user.is_authenticated or visit.helpper_id != user.pk:
        raise Http404
    return visit


def statement_for(*, user: User, pk: int) -> Statement:
    """A statement seen by its person or staff; 404 for anyone else."""
    statement = (
        Statement.objects.select_related("person").prefetch_related("payments").filter(pk=pk)
    ).first()
    if statement is None or not user.is_authenticated:
        raise Http404
    if user.is_staff or statement.person_id == user.pk:
        return statement
    raise Http404


# --- lists ------------------------------------------------------------------------------------


def visits_to_log(*, helpper: User) -> QuerySet[Visit]:
    """Done visits of this helpper whose hours are not logged yet, latest first."""
    return (
        Visit.objects.filter(helpper=helpper, status=Visit.Status.DONE, hours_log__isnull=True)
        .select_related("request__helppie")
        .order_by("-starts_at")
    )


def hours_of_helpper(*, helpper: User) -> QuerySet[HoursLog]:
    return HoursLog.objects.filter(helpper=helpper).select_related("helppie", "visit__request")


def hours_waiting_for(*, helppie: User) -> QuerySet[HoursLog]:
    """Hours this helppie has not answered yet, the nearest deadline first."""
    return (
        HoursLog.objects.filter(helppie=helppie, status=HoursLog.Status.SUBMITTED)
        .select_related("helpper", "visit__request")
        .order_by("deadline")
    )


def statements_of(*, person: User) -> QuerySet[Statement]:
    return Statement.objects.filter(person=person).prefetch_related("payments")


def statement_lines(statement: Statement) -> QuerySet[HoursLog]:
    lines = (
        statement.helppie_lines
        if statement.kind == Statement.Kind.HELPPIE
        else statement.helpper_lines
    )
    return lines.select_related("helpper", "helppie", "visit__request", "fund").order_by(
        "started_at"
    )


def disputed_hours() -> QuerySet[HoursLog]:
    """The staff's queue: questioned hours, the longest waiting first."""
    return (
        HoursLog.objects.filter(status=HoursLog.Status.DISPUTED)
        .select_related("helpper", "helppie", "visit__request")
        .order_by("updated_at")
    )


@dataclass(frozen=True)
class Certificate:
    """A helpper's year: the statements that paid them, and their totals."""

    helpper: User
    year: int
    statements: list[Statement]
    minutes: int
    gross_cents: int
    withheld_cents: int
    net_cents: int


def certificate(*, helpper: User, year: int) -> Certificate:
    statements = list(
        Statement.objects.filter(
            person=helpper, kind=Statement.Kind.HELPPER, month__year=year
        ).order_by("month")
    )
    return Certificate(
        helpper=helpper,
        year=year,
        statements=statements,
        minutes=sum(s.minutes for s in statements),
        gross_cents=sum(s.gross_cents for s in statements),
        withheld_cents=sum(s.withheld_cents for s in statements),
        net_cents=sum(s.total_cents for s in statements),
    )


def certificate_years(*, helpper: User) -> list[int]:
    months = Statement.objects.filter(person=helpper, kind=Statement.Kind.HELPPER).dates(
        "month", "year", order="DESC"
    )
    return [month.year for month in months]


# --- staff: the month's billing ---------------------------------------------------------------


@dataclass(frozen=True)
class BillingOverview:
    month: date
    totals: dict
    payments: list[dict]
    runs: list[BillingRun]
    failed: list[Payment]
    calls: list[ProviderCall]
    balances: list[tuple[str, int]]
    near_cap: list


def billing_overview(*, month: date) -> BillingOverview:
    """Everything staff need about a month's billing, in a constant number of queries."""
    statements = Statement.objects.filter(month=month)
    totals = {
        kind: statements.filter(kind=kind).aggregate(
            count=Count("pk"),
            minutes=Coalesce(Sum("minutes"), 0),
            gross_cents=Coalesce(Sum("gross_cents"), 0),
            fee_cents=Coalesce(Sum("fee_cents"), 0),
            contribution_cents=Coalesce(Sum("contribution_cents"), 0),
            withheld_cents=Coalesce(Sum("withheld_cents"), 0),
            total_cents=Coalesce(Sum("total_cents"), 0),
        )
        for kind in Statement.Kind.values
    }
    payments = [
        {
            **row,
            "kind_label": Payment.Kind(row["kind"]).label,
            "status_label": Payment.Status(row["status"]).label,
        }
        for row in Payment.objects.filter(statement__month=month)
        .values("kind", "status")
        .annotate(count=Count("pk"), cents=Sum("amount_cents"))
        .order_by("kind", "status")
    ]
    key_part = f":{month:%Y-%m}:"
    return BillingOverview(
        month=month,
        totals=totals,
        payments=payments,
        runs=list(BillingRun.objects.filter(month=month).select_related("by")[:20]),
        failed=list(
            Payment.objects.filter(statement__month=month)
            .exclude(status=Payment.Status.SUCCEEDED)
            .select_related("person")
        ),
        calls=list(ProviderCall.objects.filter(idempotency_key__contains=key_part)[:200]),
        balances=[(Account.Kind(k).label, cents) for k, cents in balances_by_kind().items()],
        near_cap=helppers_near_cap(year=month.year),
    )


def balances_by_kind() -> dict[str, int]:
    """The ledger's balance per kind of account (all people together), from the entries."""
    rows = Entry.objects.values("account__kind").annotate(total=Sum("amount_cents"))
    return {row["account__kind"]: row["total"] for row in rows}


def balance(*, kind: str, user: User | None = None, fund_id: int | None = None) -> int:
    """One account's balance, summed from its entries (0 when it has none)."""
    entries = Entry.objects.filter(account__kind=kind)
    if user is not None:
        entries = entries.filter(account__user=user)
    if fund_id is not None:
        entries = entries.filter(account__fund_id=fund_id)
    return entries.aggregate(total=Sum("amount_cents"))["total"] or 0
