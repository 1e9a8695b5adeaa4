"""Visits: my list (as helpper or helppie), one visit, marking it done, and logging its hours."""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api import filters, presenters
from api import serializers as s
from api.permissions import IsAuthenticated
from api.views.base import ApiView, ListView, valid
from marketplace import selectors, services
from marketplace.models import Visit
from payments_stub import selectors as payment_selectors
from payments_stub import services as payment_services
from payments_stub.models import HoursLog


def _my_visits(user):
    """The visits I come to as a helpper and those of my own requests (not the cancelled ones).

    Nobody else's: a stranger's visit is simply not in the list (and its own URL is 404)."""
    return (
        Visit.objects.filter(Q(helpper=user) | Q(request__helppie=user))
        .exclude(status=Visit.Status.CANCELLED)
        .select_related("request__place", "request__helppie", "helpper", "hours_log")
    )


class MyVisits(ListView):
    """My visits, soonest first: those I come to as a helpper, and those of the requests I
    asked for as a helppie, with who is coming (named in full, with their contact, once I
    have chosen them, as on the pages). `from` and `to` are days, both included."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.MyVisitSerializer
    queryset = Visit.objects.none()  # the model, for the schema; rows come from get_queryset
    filterset_class = filters.VisitFilter

    def get_queryset(self):
        return _my_visits(self.request.user).order_by("starts_at", "pk")

    def list(self, request, *args, **kwargs):
        self.shared = {}  # one contact check per request and helpper, as on the home page
        return super().list(request, *args, **kwargs)

    def present(self, item: Visit) -> dict:
        request = item.request
        mine = item.helpper_id == self.request.user.pk
        return {
            "id": item.pk,
            "request": request.pk,
            "role": "helpper" if mine else "helppie",
            "category": request.category,
            # The area only: the exact address is on the request, where shares_contact decides.
            "area": selectors.place_view(request=request, shared=False).area,
            "helppie_name": request.helppie.short_name,
            "helpper": self._coming(item),
            "starts_at": item.starts_at,
            "ends_at": item.ends_at,
            "status": item.status,
            "hours_logged": getattr(item, "hours_log", None) is not None,
        }

    def _coming(self, item: Visit) -> dict | None:
        if item.helpper is None:
            return None
        if item.helpper_id == self.request.user.pk:
            return presenters.person(item.helpper, shared=True)  # the reader themself
        key = (item.request_id, item.helpper_id)
        if key not in self.shared:
            self.shared[key] = selectors.shares_contact(request=item.request, user=item.helpper)
        return presenters.person(item.helpper, shared=self.shared[key])


def _visit_body(visit: Visit) -> dict:
    helpper = visit.helpper
    shared = helpper is not None and selectors.shares_contact(request=visit.request, user=helpper)
    return presenters.visit(visit, shared=shared)


class VisitDetail(ApiView):
    """One visit, for its helpper, its helppie and staff; 404 for anyone else."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.VisitSerializer)
    def get(self, request, pk: int):
        visit = selectors.visit_for(user=request.user, pk=pk)
        return Response(s.VisitSerializer(_visit_body(visit)).data)


class VisitDone(ApiView):
    """Mark a planned visit done, from its day on (its helpper, its helppie or staff)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=s.VisitSerializer)
    def post(self, request, pk: int):
        visit = selectors.visit_for(user=request.user, pk=pk)
        services.visit_mark_done(visit=visit, by=request.user)
        visit.refresh_from_db()
        return Response(s.VisitSerializer(_visit_body(visit)).data)


def hours_body(hours) -> dict:
    return {
        "id": hours.pk,
        "visit_id": hours.visit_id,
        "started_at": hours.started_at,
        "ended_at": hours.ended_at,
        "break_minutes": hours.break_minutes,
        "minutes": hours.minutes,
        "status": hours.status,
        "deadline": hours.deadline,
        "gross_cents": hours.gross_cents,
        "withheld_cents": hours.withheld_cents,
    }


class VisitHours(ApiView):
    """The helpper of a done visit logs the hours they spent, once; the helppie then answers."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.HoursLogCreateSerializer, responses={201: s.HoursSerializer})
    def post(self, request, pk: int):
        data = valid(s.HoursLogCreateSerializer, request)
        visit = payment_selectors.visit_for_hours(user=request.user, pk=pk)
        hours = payment_services.hours_log(
            visit=visit,
            helpper=request.user,
            started_at=data["started_at"],
            ended_at=data["ended_at"],
            break_minutes=data["break_minutes"],
            note=data["note"],
        )
        return Response(s.HoursSerializer(hours_body(hours)).data, status=201)


class MyHours(ListView):
    """The hours I logged as a helpper, latest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.HoursSerializer
    queryset = HoursLog.objects.none()

    def get_queryset(self):
        return payment_selectors.hours_of_helpper(helpper=self.request.user).order_by(
            "-started_at", "-pk"
        )

    def present(self, item) -> dict:
        return hours_body(item)


class HoursAnswer(ApiView):
    """The helppie (or staff for them) answers logged hours: `validate` fixes and posts them,
    `dispute` (with a reason) sends them to a coordinator. Seen only by their two people and
    staff; 404 for anyone else."""

    permission_classes = [IsAuthenticated]
    action = "validate"

    @extend_schema(request=s.HoursDisputeSerializer, responses=s.HoursSerializer)
    def post(self, request, pk: int):
        hours = payment_selectors.hours_for(user=request.user, pk=pk)
        if self.action == "dispute":
            reason = valid(s.HoursDisputeSerializer, request)["reason"]
            hours = payment_services.hours_dispute(hours=hours, by=request.user, reason=reason)
        else:
            hours = payment_services.hours_validate(hours=hours, by=request.user)
        return Response(s.HoursSerializer(hours_body(hours)).data)
