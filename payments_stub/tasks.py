"""Background work of payments, run by `manage.py db_worker` (immediately in tests)."""

from __future__ import annotations

from datetime import datetime

from django_tasks import default_task_backend, task


@task()
def validate_overdue_hours() -> int:
    """Validate every hours log unanswered at its deadline (also `manage.py
    validate_overdue_hours`, for cron). Safe to run often and from several workers."""
    from payments_stub import services

    return services.hours_validate_overdue()


def schedule_validation(at: datetime) -> None:
    """Run the automatic validation when a deadline passes, where tasks can wait; elsewhere the
    cron command (or the next run of this task) catches it."""
    if default_task_backend.supports_defer:
        validate_overdue_hours.using(run_after=at).enqueue()


@task()
def run_billing(month: str, by_id: int | None = None) -> dict:
    """`billing_run` for a month given as "2026-11", from the staff's billing page."""
    from marketplace.models import User
    from payments_stub import billing, periods

    by = User.objects.filter(pk=by_id).first() if by_id else None
    run = billing.billing_run(month=periods.parse_month(month), by=by)
    return {"run": run.pk, "succeeded": run.payments_succeeded, "failed": run.payments_failed}
