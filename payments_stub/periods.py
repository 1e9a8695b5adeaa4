"""Months, years and deadlines in Brussels time: where a billing period ends, the next begins."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def parse_month(text: str) -> date:
    """ "2026-11" → 1 November 2026. Raises ValueError on anything else."""
    found = _MONTH.match((text or "").strip())
    if not found or not 1 <= int(found[2]) <= 12:
        raise ValueError(f"not a month like 2026-11: {text!r}")
    return date(int(found[1]), int(found[2]), 1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The first instant of the month and the first instant of the next, in Brussels time."""
    zone = local_zone()
    start = datetime.combine(month_start(month), time(0), tzinfo=zone)
    return start, datetime.combine(next_month(month), time(0), tzinfo=zone)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    zone = local_zone()
    return (
        datetime.combine(date(year, 1, 1), time(0), tzinfo=zone),
        datetime.combine(date(year + 1, 1, 1), time(0), tzinfo=zone),
    )


def current_month() -> date:
    return month_start(timezone.localdate())


def validation_deadline(*, visit_start: datetime, logged_at: datetime) -> datetime:
    """When hours not answered are validated automatically.

    The end of day PAYMENTS_VALIDATION_DAY of the month after the visit; when the hours are
    logged so late that fewer than PAYMENTS_VALIDATION_MIN_DAYS would remain, the same day of a
    later month, so that the person helped always has a few days to answer.
    """
    day = settings.PAYMENTS_VALIDATION_DAY
    earliest = logged_at + timedelta(days=settings.PAYMENTS_VALIDATION_MIN_DAYS)
    month = next_month(month_start(timezone.localdate(visit_start)))
    while True:
        deadline = datetime.combine(month.replace(day=day) + timedelta(days=1), time(0))
        deadline = deadline.replace(tzinfo=local_zone())
        if deadline >= earliest:
            return deadline
        month = next_month(month)
