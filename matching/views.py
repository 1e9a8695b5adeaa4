"""Pages of matching: a helpper's invitations, and the coordinator's view of candidates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace import selectors as marketplace_selectors
from marketplace.models import HelpRequest
from matching import reasons, services
from matching.models import Invitation


def _invitation_for(user, pk: int) -> Invitation:
    invitation = Invitation.objects.filter(pk=pk, helpper=user).select_related("request").first()
    if invitation is None:
        raise Http404
    return invitation


@login_required
def invitations(request):
    waiting = (
        Invitation.objects.filter(
            helpper=request.user, status=Invitation.Status.INVITED, expires_at__gt=timezone.now()
        )
        .select_related("request__place", "request__helppie", "visit")
        .order_by("expires_at")
    )
    cards = [
        {
            "invitation": invitation,
            "area": marketplace_selectors.place_view(request=invitation.request, shared=False).area,
            "why": reasons.sentence([r for r in invitation.reasons if r["code"] != "hours"]),
        }
        for invitation in waiting
    ]
    return render(request, "matching/invitations.html", {"cards": cards})


@login_required
@require_POST
def invitation_answer(request, pk: int):
    invitation = _invitation_for(request.user, pk)
    interested = request.POST.get("answer") == "yes"
    try:
        services.invitation_answer(invitation=invitation, helpper=request.user, interested=interested)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if interested and invitation.visit_id:
            messages.success(request, _("Thank you! The visit is yours."))
        elif interested:
            messages.success(request, _("Thank you! The person will choose soon; we will tell you."))
        else:
            messages.success(request, _("Noted. Thank you for answering."))
    return redirect("invitations")


@staff_member_required
def request_matching(request, pk: int):
    help_request = (
        HelpRequest.objects.select_related("place", "helppie").filter(pk=pk).first()
    )
    if help_request is None:
        raise Http404
    if request.method == "POST":
        sent = services.invitations_send(request=help_request)
        messages.success(request, _("%(n)d more helppers invited.") % {"n": len(sent)})
        return redirect("request_matching", pk=pk)
    candidates = services.candidates_for(request=help_request, limit=20)
    rows = [
        {"candidate": c, "why": reasons.sentence(c.reasons)} for c in candidates
    ]
    sent = help_request.invitations.select_related("helpper", "visit").order_by("visit", "rank")
    return render(
        request,
        "matching/request_matching.html",
        {"help_request": help_request, "rows": rows, "invitations": sent},
    )
