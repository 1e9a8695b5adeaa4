"""The yearly earnings cap: a warning at 80 %, and no new visits past it.

Default: € 7,460.00 a year (746,000 cents); the warning from € 5,968.00 (80 %).
The smaller cap of some tests, € 100.00, warns from € 80.00: ten hours at € 8.00.
"""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation

from payments_stub import selectors, services
from payments_stub.models import HoursLog
from tests.payments.conftest import a_day_last_month, log, logged_and_validated, visit_done


def test_the_default_cap_warns_at_eighty_percent_and_blocks_at_the_cap():
    year = 2026
    assert not selectors.cap_from(596_799, year=year).warning  # € 5,967.99
    assert selectors.cap_from(596_800, year=year).warning  # € 5,968.00 = 80 % of € 7,460
    assert not selectors.cap_from(745_999, year=year).blocked
    status = selectors.cap_from(746_000, year=year)
    assert status.blocked and status.warning and status.percent == 100


def hours_for(pieter, jeannes_request, hours: int, *, from_day: int = 1) -> None:
    """Pieter worked `hours` whole hours for Jeanne last month (at most 12 a visit), confirmed."""
    day = from_day
    while hours > 0:
        chunk = min(hours, 12)
        visit = visit_done(jeannes_request, pieter, day=a_day_last_month(day), minutes=60 * chunk)
        logged_and_validated(visit)
        hours, day = hours - chunk, day + 1


@override_settings(PAYMENTS_ANNUAL_CAP_CENTS=10_000)
def test_pieter_is_warned_from_80_percent(pieter, jeannes_request):
    year = a_day_last_month().year
    hours_for(pieter, jeannes_request, 9)  # 9 × € 8.00 = € 72.00: 72 %
    assert not selectors.cap_status(pieter, year=year).warning

    hours_for(pieter, jeannes_request, 1, from_day=20)  # € 80.00: 80 %
    status = selectors.cap_status(pieter, year=year)
    assert (status.earned_cents, status.warning, status.blocked) == (8_000, True, False)
    services.ensure_below_cap(pieter, year=year)  # warned, not blocked


@override_settings(PAYMENTS_ANNUAL_CAP_CENTS=10_000)
def test_past_the_cap_pieter_may_accept_no_new_visit(pieter, jeannes_request):
    year = a_day_last_month().year
    hours_for(pieter, jeannes_request, 13)  # 13 × € 8.00 = € 104.00

    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.ensure_below_cap(pieter, year=year)
    assert error.value.code == "earnings_cap"
    assert error.value.messages == [
        f"The yearly earnings limit of €100.00 for {year} is reached (€104.00 so far): "
        "no new visits can be accepted until next year."
    ]


@override_settings(PAYMENTS_ANNUAL_CAP_CENTS=10_000)
def test_hours_still_waiting_count_towards_the_cap(pieter, jeannes_request):
    # 12 h 30 logged but not yet confirmed: € 100.00 expected, the cap is reached.
    log(visit_done(jeannes_request, pieter, minutes=12 * 60))
    log(visit_done(jeannes_request, pieter, day=a_day_last_month(11), minutes=30))

    status = selectors.cap_status(pieter, year=a_day_last_month().year)
    assert (status.earned_cents, status.blocked) == (10_000, True)
    assert HoursLog.objects.filter(status="validated").count() == 0


@override_settings(PAYMENTS_ANNUAL_CAP_CENTS=10_000)
def test_rejected_hours_do_not_count(pieter, jeannes_request, jeanne, claire):
    hours = log(visit_done(jeannes_request, pieter, minutes=12 * 60))
    services.hours_dispute(hours=hours, by=jeanne, reason="Il n'est pas venu")
    services.hours_settle(hours=hours, by=claire, outcome="reject", note="Did not come")

    assert selectors.cap_status(pieter, year=a_day_last_month().year).earned_cents == 0


@override_settings(PAYMENTS_ANNUAL_CAP_CENTS=10_000)
def test_staff_see_who_is_near_the_cap(pieter, marc, jeannes_request):
    hours_for(pieter, jeannes_request, 11)  # € 88.00

    near = selectors.helppers_near_cap(year=a_day_last_month().year)
    assert [(helpper, status.earned_cents) for helpper, status in near] == [(pieter, 8_800)]
