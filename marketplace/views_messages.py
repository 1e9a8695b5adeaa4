"""Pages of messages: the conversations a person takes part in, and one conversation."""

from __future__ import annotations

from django import forms
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace import selectors, services
from referrals import services as referral_services

# The message just sent, when screening had something to show its writer (crisis numbers, a
# suggestion): shown once on the conversation page after the redirect.
NOTICE_SESSION_KEY = "message_notice"


class MessageForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your message"),
        max_length=services.MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Write a message first.")},
    )


@login_required
def inbox(request):
    return render(
        request,
        "marketplace/messages.html",
        {"conversations": selectors.conversations_for(request.user)},
    )


@login_required
def conversation(request, request_pk: int, helpper_pk: int):
    help_request, helpper = selectors.thread_for(
        user=request.user, request_pk=request_pk, helpper_pk=helpper_pk
    )
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.message_send(
                request=help_request,
                helpper=helpper,
                sender=request.user,
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            form.add_error("body" if hasattr(error, "error_dict") else None, error.messages)
        else:
            if message.notice is not None and (
                message.notice.crisis or message.notice.has_suggestion
            ):
                request.session[NOTICE_SESSION_KEY] = message.pk
            flash.success(request, _("Your message is sent."))
            return redirect("conversation", request_pk=help_request.pk, helpper_pk=helpper.pk)
    services.messages_mark_read(request=help_request, helpper=helpper, reader=request.user)
    thread = list(selectors.thread_messages(request=help_request, helpper=helpper))
    notice = None
    shown = request.session.pop(NOTICE_SESSION_KEY, None)
    just_sent = next((m for m in thread if m.pk == shown and m.sender_id == request.user.pk), None)
    if just_sent is not None:
        where = help_request.place
        notice = referral_services.screen_for_person(
            user=request.user,
            text=just_sent.body,
            source="message",
            source_ref=f"message:{just_sent.pk}",
            point=where.location,
            refnis=where.refnis,
            record=False,
        )
    viewer_is_helpper = request.user.pk == helpper.pk
    other = help_request.helppie if viewer_is_helpper else helpper
    shared = selectors.shares_contact(request=help_request, user=helpper)
    return render(
        request,
        "marketplace/conversation.html",
        {
            "help_request": help_request,
            "helpper": helpper,
            "other_name": other.full_name if shared else other.short_name,
            "thread": thread,
            "form": form,
            "notice": notice,
            "notice_key": f"message:{shown}",
            "dismissed": False,
        },
    )
