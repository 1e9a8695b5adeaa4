"""Background work of matching, run by `manage.py db_worker` (immediately in tests)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import default_task_backend, task

from marketplace import selectors as marketplace_selectors
from matching import reasons, services
from matching.models import Invitation


@task()
def send_invitation_email(invitation_id: int) -> bool:
    """Email one invitation in the helpper's language. Sent once, even if run twice."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("request__place", "request__helppie", "helpper", "visit")
            .filter(pk=invitation_id, emailed_at__isnull=True)
            .first()
        )
        if invitation is None or not invitation.helpper.email:
            return False
        subject, body = _invitation_email(invitation)
        send_mail(subject, body, None, [invitation.helpper.email])
        invitation.emailed_at = timezone.now()
        invitation.save(update_fields=["emailed_at"])
    return True


def _invitation_email(invitation: Invitation) -> tuple[str, str]:
    helpper = invitation.helpper
    request = invitation.request
    when = invitation.visit.starts_at if invitation.visit else request.visits.first().starts_at
    with translation.override(helpper.preferred_language):
        context = {
            "invitation": invitation,
            "helpper": helpper,
            "request": request,
            "when": when,
            "area": marketplace_selectors.place_view(request=request, shared=False).area,
            "why": reasons.sentence([r for r in invitation.reasons if r["code"] != "hours"]),
            "url": settings.SITE_URL + reverse("invitations"),
        }
        subject = render_to_string("matching/email/invitation_subject.txt", context).strip()
        body = render_to_string("matching/email/invitation_body.txt", context)
    return subject, body


@task()
def sweep_invitations() -> int:
    return services.invitations_sweep()


def schedule_sweep(at: datetime) -> None:
    """Expire and refill when the invitations run out; at once where tasks cannot wait."""
    if default_task_backend.supports_defer:
        sweep_invitations.using(run_after=at).enqueue()


@task()
def invite_for_request(request_id: int) -> int:
    from marketplace.models import HelpRequest

    request = HelpRequest.objects.select_related("place", "helppie").get(pk=request_id)
    return len(services.invitations_send(request=request))
