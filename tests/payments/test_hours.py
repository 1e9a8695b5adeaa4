"""Hours: Pieter logs them after a done visit, Jeanne confirms or questions them, Claire settles;
unanswered, they are confirmed automatically at the deadline. Every change leaves history."""

from datetime import datetime, time, timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.test import override_settings
from django.utils import translation
from django_tasks import default_task_backend

from payments_stub import periods, services, tasks
from payments_stub.models import HoursEvent, HoursLog, LedgerTransaction
from tests.payments.conftest import log, visit_done


def test_it_logs_the_hours_and_gives_jeanne_until_the_7th_to_answer(visit, pieter, jeanne):
    hours = log(visit, breaks=15, note="Courses et café")

    assert hours.status == HoursLog.Status.SUBMITTED
    assert (hours.minutes, hours.helppie, hours.hourly_allowance_cents) == (135, jeanne, 800)
    assert hours.posting is None
    deadline = timezone_local(hours.deadline)
    assert (deadline.day, deadline.hour, deadline.minute) == (8, 0, 0)  # end of the 7th, Brussels
    assert deadline - hours.created_at >= timedelta(days=3)
    assert [e.action for e in hours.history.all()] == [HoursEvent.Action.LOGGED]
    assert hours.history.get().by == pieter


def timezone_local(moment):
    return moment.astimezone(periods.local_zone())


def test_the_deadline_is_the_7th_of_the_next_month_with_a_few_days_at_least():
    zone = periods.local_zone()
    visit_start = datetime(2026, 10, 14, 10, tzinfo=zone)
    early = periods.validation_deadline(
        visit_start=visit_start, logged_at=datetime(2026, 10, 14, 13, tzinfo=zone)
    )
    late = periods.validation_deadline(
        visit_start=visit_start, logged_at=datetime(2026, 11, 6, 9, tzinfo=zone)
    )
    assert early == datetime(2026, 11, 8, 0, tzinfo=zone)
    assert late == datetime(2026, 12, 8, 0, tzinfo=zone)


def test_jeanne_confirms_and_the_hours_are_posted_once(visit, jeanne):
    hours = log(visit)
    hours = services.hours_validate(hours=hours, by=jeanne)

    assert hours.status == HoursLog.Status.VALIDATED
    assert hours.validated_how == HoursLog.Validation.HELPPIE
    assert LedgerTransaction.objects.filter(kind="hours").count() == 1
    with pytest.raises(ValidationError), translation.override("en"):
        services.hours_validate(hours=hours, by=jeanne)
    assert LedgerTransaction.objects.filter(kind="hours").count() == 1


def test_pieter_cannot_confirm_his_own_hours(visit, pieter):
    hours = log(visit)

    with pytest.raises(PermissionDenied):
        services.hours_validate(hours=hours, by=pieter)


def test_jeanne_questions_the_hours_and_nothing_is_posted(visit, jeanne):
    hours = log(visit)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.hours_dispute(hours=hours, by=jeanne, reason="  ")
    assert error.value.message_dict == {"reason": ["Please say in a few words what is not right."]}

    hours = services.hours_dispute(hours=hours, by=jeanne, reason="Il est parti à 11 h.")
    assert hours.status == HoursLog.Status.DISPUTED
    assert hours.posting is None
    assert LedgerTransaction.objects.count() == 0


def test_claire_accepts_questioned_hours(visit, jeanne, claire):
    hours = services.hours_dispute(hours=log(visit), by=jeanne, reason="Trop long")

    hours = services.hours_settle(hours=hours, by=claire, outcome="accept")
    assert hours.status == HoursLog.Status.VALIDATED
    assert hours.validated_how == HoursLog.Validation.STAFF
    assert hours.posting is not None
    assert hours.history.last().action == HoursEvent.Action.ACCEPTED


def test_claire_corrects_questioned_hours_and_the_history_keeps_both(visit, jeanne, claire):
    hours = services.hours_dispute(hours=log(visit), by=jeanne, reason="Parti à 11 h")
    start = visit.starts_at

    hours = services.hours_settle(
        hours=hours,
        by=claire,
        outcome="correct",
        started_at=start,
        ended_at=start + timedelta(hours=1),
        break_minutes=0,
        note="Confirmed by phone with both",
    )
    assert (hours.minutes, hours.gross_cents) == (60, 800)
    corrected = hours.history.last()
    assert corrected.action == HoursEvent.Action.CORRECTED and corrected.by == claire
    assert (corrected.old["minutes"], corrected.new["minutes"]) == (150, 60)
    assert corrected.note == "Confirmed by phone with both"


def test_claire_does_not_count_questioned_hours(visit, jeanne, claire):
    hours = services.hours_dispute(hours=log(visit), by=jeanne, reason="Pas venu")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.hours_settle(hours=hours, by=claire, outcome="reject")
    assert error.value.message_dict == {"note": ["Please note why, for the history."]}

    hours = services.hours_settle(hours=hours, by=claire, outcome="reject", note="Did not come")
    assert hours.status == HoursLog.Status.REJECTED
    assert LedgerTransaction.objects.count() == 0


def test_only_staff_settle(visit, jeanne):
    hours = services.hours_dispute(hours=log(visit), by=jeanne, reason="Non")

    with pytest.raises(PermissionDenied):
        services.hours_settle(hours=hours, by=jeanne, outcome="accept")


def test_a_correction_of_validated_hours_reverses_the_posting_and_posts_anew(visit, claire):
    hours = log(visit)
    hours = services.hours_validate(hours=hours, by=hours.helppie)
    first = hours.posting

    hours = services.hours_correct(
        hours=hours,
        by=claire,
        started_at=visit.starts_at,
        ended_at=visit.starts_at + timedelta(minutes=90),
        break_minutes=0,
        note="Typing error",
    )
    assert first.reversal.kind == LedgerTransaction.Kind.REVERSAL
    assert hours.posting != first and hours.gross_cents == 1200
    reversed_lines = sorted(e.amount_cents for e in first.reversal.entries.all())
    assert reversed_lines == sorted(-e.amount_cents for e in first.entries.all())


def test_unanswered_hours_are_validated_by_the_task_after_the_deadline(visit):
    hours = log(visit)

    assert services.hours_validate_overdue(now=hours.deadline - timedelta(seconds=1)) == 0
    assert tasks.validate_overdue_hours.call() == 0  # today is before the deadline
    assert services.hours_validate_overdue(now=hours.deadline) == 1
    hours.refresh_from_db()
    assert hours.status == HoursLog.Status.VALIDATED
    assert hours.validated_how == HoursLog.Validation.AUTOMATIC
    assert hours.history.last().by is None
    assert services.hours_validate_overdue(now=hours.deadline) == 0


def test_the_cron_command_and_the_task_validate_overdue_hours(jeannes_request, pieter, now):
    first = log(visit_done(jeannes_request, pieter))
    second = log(visit_done(jeannes_request, pieter, start=time(15)))
    HoursLog.objects.update(deadline=now - timedelta(minutes=1))  # time passes: the 7th is over

    result = tasks.validate_overdue_hours.enqueue()  # the immediate backend runs it at once
    assert result.return_value == 2
    first.refresh_from_db(), second.refresh_from_db()
    assert first.status == second.status == HoursLog.Status.VALIDATED


def test_the_cron_command_validates_overdue_hours(visit, now):
    hours = log(visit)
    HoursLog.objects.update(deadline=now - timedelta(minutes=1))
    out = StringIO()

    call_command("validate_overdue_hours", stdout=out)
    assert out.getvalue().strip() == "1 hours validated automatically"
    hours.refresh_from_db()
    assert hours.status == HoursLog.Status.VALIDATED


def test_the_history_is_append_only(visit):
    hours = log(visit)
    event = hours.history.get()

    with pytest.raises(DatabaseError), transaction.atomic():
        HoursEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        HoursEvent.objects.filter(pk=event.pk).delete()


# --- bad input: a clear error in the person's language, and nothing written ------------------


def _times(visit, *, start_minutes=0, end_minutes=150):
    return {
        "started_at": visit.starts_at + timedelta(minutes=start_minutes),
        "ended_at": visit.starts_at + timedelta(minutes=end_minutes),
    }


BAD = {
    "end before start (negative hours)": (
        {"start_minutes": 60, "end_minutes": 0},
        0,
        {"ended_at": ["The end must come after the start."]},
    ),
    "no time at all": (
        {"start_minutes": 0, "end_minutes": 0},
        0,
        {"ended_at": ["The end must come after the start."]},
    ),
    "breaks longer than the visit": (
        {},
        200,
        {"break_minutes": ["The breaks are as long as the time spent, or longer."]},
    ),
    "negative breaks": ({}, -10, {"break_minutes": ["Breaks cannot be negative."]}),
    "thirteen hours": (
        {"end_minutes": 13 * 60},
        0,
        {"ended_at": ["A visit lasts 12 hours at most."]},
    ),
}


@pytest.mark.parametrize("times, breaks, errors", BAD.values(), ids=BAD.keys())
def test_it_refuses_times_that_make_no_sense_and_writes_nothing(visit, times, breaks, errors):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.hours_log(
            visit=visit, helpper=visit.helpper, break_minutes=breaks, **_times(visit, **times)
        )

    assert error.value.message_dict == errors
    assert HoursLog.objects.count() == HoursEvent.objects.count() == 0


def test_it_refuses_hours_for_a_visit_not_done(visit):
    visit.status = "planned"
    visit.save()

    with translation.override("en"), pytest.raises(ValidationError) as error:
        log(visit)
    assert error.value.messages == ["Hours can be logged once the visit is done."]
    assert HoursLog.objects.count() == 0


def test_it_refuses_hours_for_someone_elses_visit(visit, marc):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.hours_log(visit=visit, helpper=marc, **_times(visit))

    assert error.value.messages == ["You can only log hours for your own visits."]
    assert HoursLog.objects.count() == 0


def test_it_refuses_hours_in_the_future_or_on_another_day(visit):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.hours_log(
            visit=visit,
            helpper=visit.helpper,
            started_at=visit.starts_at + timedelta(days=1),
            ended_at=visit.starts_at + timedelta(days=1, hours=1),
        )
    assert list(error.value.message_dict) == ["started_at"]

    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.hours_log(
            visit=visit,
            helpper=visit.helpper,
            started_at=visit.starts_at,
            ended_at=visit.starts_at + timedelta(hours=2),
            now=visit.starts_at + timedelta(hours=1),
        )
    assert list(error.value.message_dict) == ["ended_at"]
    assert HoursLog.objects.count() == 0


def test_it_refuses_to_log_the_same_visit_twice(visit):
    log(visit)

    with translation.override("en"), pytest.raises(ValidationError) as error:
        log(visit)
    assert error.value.messages == ["The hours of this visit are already logged."]
    assert HoursLog.objects.count() == 1


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_logging_schedules_the_automatic_validation_at_the_deadline(
    visit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        hours = log(visit)

    [queued] = default_task_backend.results
    assert queued.task.name == "validate_overdue_hours"
    assert queued.task.run_after == hours.deadline
