"""Background work of referrals: the sentinel outbox, follow-up reminders, and the daily round."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend, task

from referrals import services
from referrals.models import Referral, SentinelAlert


@task()
def send_sentinel_alert(alert_id: int) -> bool:
    """Send one queued alert, once, and only while the person's consent still stands."""
    with transaction.atomic():
        alert = (
            SentinelAlert.objects.select_for_update(skip_locked=True)
            .select_related("consent")
            .filter(pk=alert_id, status=SentinelAlert.Status.QUEUED)
            .first()
        )
        if alert is None:
            return False
        if not alert.consent.is_active:
            alert.status = SentinelAlert.Status.STOPPED
            alert.save(update_fields=["status"])
            return False
        lines = [f"{key}: {value}" for key, value in alert.payload.items()]
        send_mail(
            "Neighbourhelp: sentinel alert (with the person's consent)",
            "\n".join(lines),
            None,
            [alert.recipient],
        )
        alert.status, alert.sent_at = SentinelAlert.Status.SENT, timezone.now()
        alert.save(update_fields=["status", "sent_at"])
    return True


def referral_reminders(*, today=None) -> int:
    """Remind the coordinator of referrals whose follow-up day has come. Returns how many."""
    today = today or timezone.localdate()
    due = Referral.objects.filter(
        status=Referral.Status.PROPOSED, follow_up_on__lte=today, reminded_at__isnull=True
    ).select_related("case", "made_by", "service")
    count = 0
    for referral in due:
        if referral.made_by and referral.made_by.email:
            send_mail(
                "Neighbourhelp: a referral to follow up",
                f"Case #{referral.case_id}: follow up the referral to {referral.service} "
                f"(due {referral.follow_up_on:%d/%m/%Y}).\n"
                f"{settings.SITE_URL}/staff/cases/{referral.case_id}/",
                None,
                [referral.made_by.email],
            )
        referral.reminded_at = timezone.now()
        referral.save(update_fields=["reminded_at"])
        count += 1
    return count


@task()
def daily() -> dict:
    """Proactive signals, follow-up reminders and the purge of old closed cases; then the next
    day's run is queued (where the backend can wait)."""
    done = {
        "signals": len(services.signals_scan()),
        "reminders": referral_reminders(),
        "purged": services.purge_closed(),
    }
    schedule_daily()
    return done


def schedule_daily() -> None:
    if not default_task_backend.supports_defer:
        return
    tomorrow = timezone.localdate() + timedelta(days=1)
    at = timezone.make_aware(datetime.combine(tomorrow, time(3)))
    daily.using(run_after=at).enqueue()


def ensure_daily_scheduled() -> None:
    """Called at start-up: queue the daily round unless one is already waiting."""
    if not default_task_backend.supports_defer:
        return
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path="referrals.tasks.daily", status="READY"
    ).exists()
    if not waiting:
        schedule_daily()
