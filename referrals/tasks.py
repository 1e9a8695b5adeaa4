"""Background work of referrals: the sentinel outbox, follow-up reminders, and the daily round."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django_tasks import default_task_backend, task

from marketplace.choices import Language
from referrals import labels, services
from referrals.models import Consent, Referral, SentinelAlert


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
        subject, body = _alert_email(alert.payload)
        send_mail(subject, body, None, [alert.recipient])
        alert.status, alert.sent_at = SentinelAlert.Status.SENT, timezone.now()
        alert.save(update_fields=["status", "sent_at"])
    return True


def _alert_email(payload: dict) -> tuple[str, str]:
    """The alert in the programme's language (one address for the whole programme: the site's
    default language), every field named and every code as words."""
    with translation.override(settings.LANGUAGE_CODE):
        given = parse_datetime(payload.get("consent_given_at", ""))
        context = {
            **payload,
            "language": labels.choice_label(Language, payload.get("language", "")),
            "needs": [labels.need_label(code) for code in payload.get("needs", [])],
            "consent_given_at": (
                date_format(timezone.localtime(given), "DATETIME_FORMAT") if given else "—"
            ),
            "consent_channel": labels.choice_label(
                Consent.Channel, payload.get("consent_channel", "")
            ),
        }
        subject = render_to_string("referrals/email/sentinel_alert_subject.txt", context)
        body = render_to_string("referrals/email/sentinel_alert_body.txt", context)
    return subject.strip(), body


def _reminder_email(referral: Referral) -> tuple[str, str]:
    """The reminder in the language of the coordinator who made the referral."""
    recipient = referral.made_by
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "recipient": recipient,
            "case_id": referral.case_id,
            "service": str(referral.service),
            "due": date_format(referral.follow_up_on, "DATE_FORMAT"),
            "url": settings.SITE_URL + reverse("case_detail", args=[referral.case_id]),
        }
        subject = render_to_string("referrals/email/referral_reminder_subject.txt", context)
        body = render_to_string("referrals/email/referral_reminder_body.txt", context)
    return subject.strip(), body


def referral_reminders(*, today=None) -> int:
    """Remind the coordinator of referrals whose follow-up day has come. Returns how many."""
    today = today or timezone.localdate()
    due = Referral.objects.filter(
        status=Referral.Status.PROPOSED, follow_up_on__lte=today, reminded_at__isnull=True
    ).select_related("case", "made_by", "service")
    count = 0
    for referral in due:
        if referral.made_by and referral.made_by.email:
            send_mail(*_reminder_email(referral), None, [referral.made_by.email])
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
