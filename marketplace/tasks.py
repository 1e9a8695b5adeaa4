"""Background work of the marketplace, run by `manage.py db_worker` (immediately in tests)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from marketplace import selectors
from marketplace.models import Message


@task()
def send_message_email(message_id: int) -> bool:
    """Tell the other side of a conversation that a message waits, in their language.

    The email says who wrote and links to the conversation; the words stay on the site.
    """
    message = (
        Message.objects.select_related("request__helppie", "helpper", "sender")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return False
    request = message.request
    recipient = message.helpper if message.sender_id != message.helpper_id else request.helppie
    if not recipient.email:
        return False
    shared = selectors.shares_contact(request=request, user=message.helpper)
    writer = message.sender
    with translation.override(recipient.preferred_language):
        context = {
            "recipient": recipient,
            "writer": writer.full_name if shared or writer.is_staff else writer.short_name,
            "category": request.get_category_display(),
            "url": settings.SITE_URL
            + reverse("conversation", args=[request.pk, message.helpper_id]),
        }
        subject = render_to_string("marketplace/email/message_subject.txt", context).strip()
        body = render_to_string("marketplace/email/message_body.txt", context)
    send_mail(subject, body, None, [recipient.email])
    return True
