"""Payments' stories: Pieter helped Jeanne (at € 8 an hour) on days that have passed; Jeanne may be
a member of a partner fund; Bob is a stranger; Claire coordinates and settles disputes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from marketplace.models import HelpRequest, User, Visit
from payments_stub import periods, services
from payments_stub.models import HoursLog, PartnerFund
from tests import factories


def last_month() -> date:
    """The first day of last month: its visits are over, and it can be billed."""
    return periods.month_start(periods.current_month() - timedelta(days=1))


def a_day_last_month(day: int = 10) -> date:
    return last_month().replace(day=day)


def visit_done(
    request: HelpRequest,
    helpper: User,
    *,
    day: date | None = None,
    start: time = time(10),
    minutes: int = 60,
) -> Visit:
    """A visit of `request` that happened on `day` (last month by default) with `helpper`."""
    starts = datetime.combine(day or a_day_last_month(), start, tzinfo=periods.local_zone())
    return Visit.objects.create(
        request=request,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        helpper=helpper,
        status=Visit.Status.DONE,
        done_at=starts + timedelta(minutes=minutes),
    )


def log(visit: Visit, *, minutes: int | None = None, breaks: int = 0, **fields) -> HoursLog:
    """The helpper logs the visit's own times (or `minutes` from its start), `breaks` included."""
    length = timedelta(minutes=minutes) if minutes else visit.ends_at - visit.starts_at
    return services.hours_log(
        visit=visit,
        helpper=visit.helpper,
        started_at=visit.starts_at,
        ended_at=visit.starts_at + length,
        break_minutes=breaks,
        **fields,
    )


def logged_and_validated(visit: Visit, **fields) -> HoursLog:
    hours = log(visit, **fields)
    return services.hours_validate(hours=hours, by=hours.helppie)


@pytest.fixture
def jeannes_request(jeanne) -> HelpRequest:
    """Jeanne's shopping request, at € 8.00 an hour."""
    return factories.help_request(helppie=jeanne, hourly_allowance_cents=800)


@pytest.fixture
def visit(jeannes_request, pieter) -> Visit:
    """Pieter did Jeanne's shopping on the 10th of last month, 10:00 to 12:30."""
    return visit_done(jeannes_request, pieter, minutes=150)


@pytest.fixture
def fund(db) -> PartnerFund:
    return factories.partner_fund()


@pytest.fixture
def now():
    return timezone.now()
