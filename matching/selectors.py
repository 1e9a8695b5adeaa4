"""Reads of matching, on behalf of someone."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from marketplace import selectors as marketplace_selectors
from marketplace.models import User
from matching import reasons
from matching.models import Invitation


def invitations_waiting(*, helpper: User) -> QuerySet[Invitation]:
    """Invitations this helpper has not answered and may still answer, nearest deadline first."""
    return (
        Invitation.objects.filter(
            helpper=helpper, status=Invitation.Status.INVITED, expires_at__gt=timezone.now()
        )
        .select_related("request__place", "request__helppie", "visit")
        .order_by("expires_at")
    )


def invitation_cards(invitations) -> list[dict]:
    """Invitations as the helpper sees them: the area only (no address) and why they were asked."""
    return [
        {
            "invitation": invitation,
            "area": marketplace_selectors.place_view(request=invitation.request, shared=False).area,
            "why": reasons.sentence([r for r in invitation.reasons if r["code"] != "hours"]),
        }
        for invitation in invitations
    ]
