"""The pages: each renders for its owner, a stranger gets 404, staff pages refuse everyone else,
and list pages cost the same number of queries however long the list."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from payments_stub import billing, services
from payments_stub.models import FundMembership, HoursLog, Payment, Statement
from payments_stub.provider import FakeProvider
from tests import factories
from tests.payments.conftest import (
    a_day_last_month,
    last_month,
    log,
    logged_and_validated,
    visit_done,
)


def in_english(person):
    """The person reads the site in English (their profile wins over the browser's language)."""
    person.preferred_language = "en"
    person.save(update_fields=["preferred_language"])
    return person


def count_queries(browser, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def billed(visit):
    """Pieter's hours for Jeanne, confirmed and billed: one statement each."""
    hours = logged_and_validated(visit)
    billing.billing_run(month=last_month())
    return hours


# --- the helpper's earnings and hours ---------------------------------------------------------


def test_pieter_sees_his_earnings_with_the_cap_as_a_progress_bar(login, pieter, billed):
    page = login(pieter).get(reverse("earnings")).content.decode()

    assert '<progress id="cap-progress" value="2000" max="746000">0%</progress>' in page
    assert reverse("statement", args=[Statement.objects.get(person=pieter).pk]) in page
    assert reverse("certificate", args=[last_month().year]) in page


def test_a_stranger_sees_only_his_own_empty_earnings(login, bob, billed):
    page = login(bob).get(reverse("earnings")).content.decode()

    assert "Jeanne" not in page and "17,86" not in page


def test_the_earnings_page_costs_the_same_queries_however_many_hours(
    login, pieter, jeannes_request
):
    browser = login(pieter)
    logged_and_validated(visit_done(jeannes_request, pieter, day=a_day_last_month(1)))
    visit_done(jeannes_request, pieter, day=a_day_last_month(2))
    billing.billing_run(month=last_month())
    few = count_queries(browser, reverse("earnings"))

    for day in range(3, 9):
        logged_and_validated(visit_done(jeannes_request, pieter, day=a_day_last_month(day)))
        visit_done(jeannes_request, pieter, day=a_day_last_month(day), start=time(15))
    assert count_queries(browser, reverse("earnings")) == few


def test_pieter_logs_his_hours_on_the_form(login, pieter, visit):
    url = reverse("hours_log", args=[visit.pk])
    browser = login(pieter)
    assert browser.get(url).status_code == 200

    response = browser.post(
        url, {"started_at": "10:00", "ended_at": "12:00", "break_minutes": "15", "note": ""}
    )
    assert response.status_code == 302
    assert HoursLog.objects.get(visit=visit).minutes == 105
    assert browser.get(url).status_code == 302  # logged: the form sends to the hours' page


def test_the_form_ties_the_error_to_its_field_and_writes_nothing(login, pieter, visit):
    response = login(in_english(pieter)).post(
        reverse("hours_log", args=[visit.pk]),
        {"started_at": "12:00", "ended_at": "10:00", "break_minutes": "0"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_ended_at_errors"' in page
    assert "The end must come after the start." in page
    assert HoursLog.objects.count() == 0


@pytest.mark.parametrize("who", ["bob", "marc", "jeanne"])
def test_nobody_else_may_log_pieters_hours(login, visit, who, request):
    stranger = request.getfixturevalue(who)
    browser = login(stranger)

    assert browser.get(reverse("hours_log", args=[visit.pk])).status_code == 404
    assert browser.post(reverse("hours_log", args=[visit.pk]), {}).status_code == 404


# --- the helppie's answer and statements ------------------------------------------------------


def test_jeanne_confirms_pieters_hours_on_the_page(login, jeanne, visit):
    hours = log(visit)
    browser = login(jeanne)
    page = browser.get(reverse("hours_review", args=[hours.pk])).content.decode()
    assert 'value="validate"' in page and 'value="dispute"' in page

    browser.post(reverse("hours_review", args=[hours.pk]), {"action": "validate"})
    hours.refresh_from_db()
    assert hours.status == HoursLog.Status.VALIDATED


def test_jeanne_must_say_what_is_wrong_to_question_the_hours(login, jeanne, visit):
    hours = log(visit)
    response = login(jeanne).post(
        reverse("hours_review", args=[hours.pk]), {"action": "dispute", "reason": ""}
    )

    assert 'id="id_reason_errors"' in response.content.decode()
    hours.refresh_from_db()
    assert hours.status == HoursLog.Status.SUBMITTED


def test_pieter_sees_his_hours_but_cannot_answer_for_jeanne(login, pieter, visit):
    hours = log(visit)
    browser = login(pieter)

    page = browser.get(reverse("hours_review", args=[hours.pk])).content.decode()
    assert 'value="validate"' not in page
    assert browser.post(reverse("hours_review", args=[hours.pk]), {}).status_code == 403


def test_a_stranger_gets_404_for_someone_elses_hours(login, bob, visit):
    hours = log(visit)

    assert login(bob).get(reverse("hours_review", args=[hours.pk])).status_code == 404
    assert login(bob).post(reverse("hours_review", args=[hours.pk]), {}).status_code == 404


def test_jeanne_sees_her_statements_and_the_hours_waiting(login, jeanne, jeannes_request, billed):
    waiting = log(visit_done(jeannes_request, billed.helpper, day=a_day_last_month(20)))
    page = login(jeanne).get(reverse("statements")).content.decode()

    statement = Statement.objects.get(person=jeanne)
    assert reverse("statement", args=[statement.pk]) in page
    assert reverse("statement_csv", args=[statement.pk]) in page
    assert reverse("hours_review", args=[waiting.pk]) in page


def test_the_statements_page_costs_the_same_queries_however_many(
    login, jeanne, jeannes_request, pieter
):
    browser = login(jeanne)
    logged_and_validated(visit_done(jeannes_request, pieter, day=a_day_last_month(1)))
    log(visit_done(jeannes_request, pieter, day=a_day_last_month(2)))
    billing.billing_run(month=last_month())
    few = count_queries(browser, reverse("statements"))

    earlier = last_month() - timedelta(days=40)
    for day in range(3, 7):
        logged_and_validated(visit_done(jeannes_request, pieter, day=earlier.replace(day=day)))
        log(visit_done(jeannes_request, pieter, day=a_day_last_month(day)))
    billing.billing_run(month=earlier.replace(day=1))
    assert Statement.objects.filter(person=jeanne).count() == 2
    assert count_queries(browser, reverse("statements")) == few


def test_the_printable_statement_shows_what_was_done_by_whom(login, jeanne, billed):
    statement = Statement.objects.get(person=jeanne)
    page = login(jeanne).get(reverse("statement", args=[statement.pk])).content.decode()

    assert "Pieter Janssens" in page
    assert "25,00" in page  # € 20.00 allowance + € 5.00 fee
    assert "print.css" in page


def test_the_csv_has_one_line_per_visit_and_the_total(login, jeanne, billed):
    statement = Statement.objects.get(person=jeanne)
    response = login(in_english(jeanne)).get(reverse("statement_csv", args=[statement.pk]))

    assert response["Content-Type"].startswith("text/csv")
    rows = response.content.decode().strip().splitlines()
    assert len(rows) == 3  # header, Pieter's visit, total
    assert rows[1].endswith(",Pieter Janssens,150,20.00,5.00,0.00,2.14,25.00")
    assert rows[2] == "Total,,150,20.00,5.00,0.00,2.14,25.00"


@pytest.mark.parametrize("name", ["statement", "statement_csv"])
def test_a_stranger_gets_404_for_someone_elses_statement(login, bob, pieter, billed, name):
    statement = Statement.objects.get(kind="helppie")

    assert login(bob).get(reverse(name, args=[statement.pk])).status_code == 404
    assert login(pieter).get(reverse(name, args=[statement.pk])).status_code == 404


def test_pieters_yearly_certificate(login, pieter, bob, billed):
    url = reverse("certificate", args=[last_month().year])
    page = login(pieter).get(url).content.decode()

    assert "Pieter Janssens" in page and "17,86" in page
    assert login(bob).get(url).status_code == 404


def test_jeanne_gives_her_member_number(login, jeanne, fund):
    browser = login(in_english(jeanne))
    assert browser.get(reverse("mutuality")).status_code == 200

    wrong = browser.post(
        reverse("mutuality"), {"action": "set", "fund": fund.pk, "member_number": "12345"}
    )
    assert 'id="id_member_number_errors"' in wrong.content.decode()
    assert "It looks like 123-456789-01." in wrong.content.decode()
    assert not FundMembership.objects.exists()

    browser.post(
        reverse("mutuality"), {"action": "set", "fund": fund.pk, "member_number": "123-456789-01"}
    )
    assert FundMembership.objects.get().helppie == jeanne


# --- staff ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["billing_overview", "disputes"])
def test_staff_pages_refuse_everyone_else(login, jeanne, pieter, name):
    for person in (jeanne, pieter):
        response = login(person).get(reverse(name))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_claire_sees_the_months_billing(login, claire, billed):
    url = f"{reverse('billing_overview')}?month={last_month():%Y-%m}"
    page = login(in_english(claire)).get(url).content.decode()

    assert f"charge:{last_month():%Y-%m}:helppie:" in page  # the provider's calls
    assert "2 payments done, 0 failed" in page  # the run


def test_claire_runs_the_billing_from_the_page(
    login, claire, visit, django_capture_on_commit_callbacks
):
    logged_and_validated(visit)

    with django_capture_on_commit_callbacks(execute=True):
        response = login(claire).post(
            reverse("billing_overview"), {"month": f"{last_month():%Y-%m}"}, follow=True
        )
    assert Payment.objects.filter(status="succeeded").count() == 2
    # The month in words, in Claire's language (French): "novembre 2026", not "2026-11".
    with translation.override("fr"):
        month = date_format(last_month(), "YEAR_MONTH_FORMAT")
    assert f"La facturation de {month}" in response.content.decode()


def test_the_billing_overview_costs_the_same_queries_however_busy(
    login, claire, jeannes_request, pieter, marc
):
    browser = login(claire)
    url = f"{reverse('billing_overview')}?month={last_month():%Y-%m}"
    logged_and_validated(visit_done(jeannes_request, pieter, day=a_day_last_month(1)))
    billing.billing_run(month=last_month())
    few = count_queries(browser, url)

    for day, helpper in [(2, marc), (3, factories.helpper()), (4, factories.helpper())]:
        bobs = factories.help_request(helppie=factories.UserFactory(is_helppie=True))
        logged_and_validated(visit_done(bobs, helpper, day=a_day_last_month(day)))
    FakeProvider.fail_next(kind="payout")
    billing.billing_run(month=last_month())
    assert count_queries(browser, url) == few


def test_claire_settles_a_dispute_from_the_queue(login, claire, jeanne, visit):
    hours = services.hours_dispute(hours=log(visit), by=jeanne, reason="Parti à 11 h")
    browser = login(claire)
    assert "Parti à 11 h" in browser.get(reverse("disputes")).content.decode()

    browser.post(
        reverse("dispute_settle", args=[hours.pk]),
        {
            "outcome": "correct",
            "started_at": "10:00",
            "ended_at": "11:00",
            "break_minutes": "0",
            "note": "Called both",
        },
    )
    hours.refresh_from_db()
    assert (hours.status, hours.minutes) == (HoursLog.Status.VALIDATED, 60)


def test_the_dispute_queue_costs_the_same_queries_however_long(
    login, claire, jeanne, jeannes_request, pieter
):
    browser = login(claire)
    first = log(visit_done(jeannes_request, pieter, day=a_day_last_month(1)))
    services.hours_dispute(hours=first, by=jeanne, reason="Non")
    few = count_queries(browser, reverse("disputes"))

    for day in range(2, 6):
        hours = log(visit_done(jeannes_request, pieter, day=a_day_last_month(day)))
        services.hours_dispute(hours=hours, by=jeanne, reason="Non")
    assert count_queries(browser, reverse("disputes")) == few


def test_claire_refunds_a_paid_statement(login, claire, jeanne, billed):
    statement = Statement.objects.get(person=jeanne)
    browser = login(claire)
    assert 'action="{}"'.format(reverse("statement_refund", args=[statement.pk])) in (
        browser.get(reverse("statement", args=[statement.pk])).content.decode()
    )

    browser.post(reverse("statement_refund", args=[statement.pk]), {"reason": "Goodwill"})
    assert statement.payments.get(kind="refund").status == "succeeded"
    assert login(jeanne).post(reverse("statement_refund", args=[statement.pk])).status_code == 302
