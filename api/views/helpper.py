"""The helpper's side: open requests near me, invitations and answers, earnings."""

from __future__ import annotations

import dataclasses

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api import filters, presenters
from api import serializers as s
from api.permissions import IsAuthenticated
from api.views.base import ApiView, ListView, filter_values, valid
from marketplace import selectors
from marketplace.models import HelpRequest
from matching import reasons, services
from matching.models import Invitation
from payments_stub import periods
from payments_stub import selectors as payment_selectors


class Feed(ListView):
    """Open requests I may offer to help with, nearest first, exactly as on "Requests near me":
    the place blurred to ~500 m, the distance rounded, the person's short name, no contact.
    The nearest 100 at most, as on the page: `count` stops there."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.FeedItemSerializer
    queryset = HelpRequest.objects.none()  # the schema's; the rows come from the selector
    filterset_class = filters.FeedFilter

    def list(self, request, *args, **kwargs):
        wanted = filter_values(self.filterset_class, request)
        nearby = selectors.OpenRequestsNear(
            helpper=request.user,
            category=wanted["category"] or None,
            car_needed=wanted["car_needed"],
            prefetch=self.paginator.expected_slice(request),  # the page's cards with the count
        )
        cards = self.paginate_queryset(nearby)
        # Written as FeedItemSerializer (the schema's) would write them, without running it.
        return self.get_paginated_response([presenters.feed_item(card) for card in cards])


def _invitation(invitation: Invitation) -> dict:
    return {
        "id": invitation.pk,
        "request_id": invitation.request_id,
        "visit_id": invitation.visit_id,
        "category": invitation.request.category,
        "area": selectors.place_view(request=invitation.request, shared=False).area,
        "status": invitation.status,
        "expires_at": invitation.expires_at,
        "why": reasons.sentence([r for r in invitation.reasons if r["code"] != "hours"]),
    }


def _my_invitations(user):
    return Invitation.objects.filter(helpper=user).select_related("request__place", "visit")


class Invitations(ListView):
    """Invitations waiting for my answer, the nearest deadline first."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.InvitationSerializer
    queryset = Invitation.objects.none()

    def get_queryset(self):
        return (
            _my_invitations(self.request.user)
            .filter(status=Invitation.Status.INVITED, expires_at__gt=timezone.now())
            .order_by("expires_at", "pk")
        )

    def present(self, item: Invitation) -> dict:
        return _invitation(item)


class InvitationAnswer(ApiView):
    """Answer an invitation: interested (an offer, or the visit for a one-visit invitation)
    or not. Someone else's invitation is 404."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.InvitationAnswerSerializer, responses=s.InvitationSerializer)
    def post(self, request, pk: int):
        data = valid(s.InvitationAnswerSerializer, request)
        invitation = _my_invitations(request.user).filter(pk=pk).first()
        if invitation is None:
            raise Http404
        answered = services.invitation_answer(
            invitation=invitation, helpper=request.user, interested=data["interested"]
        )
        answered.request = invitation.request
        return Response(s.InvitationSerializer(_invitation(answered)).data)


class Earnings(ApiView):
    """My earnings this month and this year, and where I stand against the yearly cap."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.EarningsOverviewSerializer)
    def get(self, request):
        helpper, today = request.user, timezone.localdate()
        month_start, month_end = periods.month_bounds(today)
        year_start, year_end = periods.year_bounds(today.year)
        month = payment_selectors.earnings(helpper, start=month_start, end=month_end)
        year = payment_selectors.earnings(helpper, start=year_start, end=year_end)
        cap = payment_selectors.cap_from(year.gross_cents + year.waiting_cents, year=today.year)
        body = {
            "this_month": {**dataclasses.asdict(month), "net_cents": month.net_cents},
            "this_year": {**dataclasses.asdict(year), "net_cents": year.net_cents},
            "cap": {
                **dataclasses.asdict(cap),
                "percent": cap.percent,
                "left_cents": cap.left_cents,
            },
        }
        return Response(s.EarningsOverviewSerializer(body).data)
