"""For coordinators: referral cases (with the `referrals.work_cases` permission, every access
logged like the pages do) and the social map as HSDS services."""

from __future__ import annotations

from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api import filters, presenters
from api import serializers as s
from api.permissions import CanWorkCases, IsAuthenticated, IsStaff
from api.views.base import ApiView, ListView, valid
from referrals import selectors, services, social_map
from referrals.models import Case, Service


def _case(case: Case) -> dict:
    return {
        "id": case.pk,
        "tier": case.tier,
        "needs": case.needs,
        "source": case.source,
        "status": case.status,
        "status_label": case.get_status_display(),
        "person": presenters.person(case.person, shared=True),
        "assigned_to_id": case.assigned_to_id,
        "created_at": case.created_at,
        "due_at": case.due_at,
        "is_overdue": case.is_overdue,
    }


def _case_detail(case: Case) -> dict:
    return {
        **_case(case),
        "orientation": case.orientation,
        "rules": case.rules,
        "evidence": case.evidence,
        "outcome": case.outcome,
        "note": case.note,
        "closed_at": case.closed_at,
        "events": list(case.events.all()),
    }


class Cases(ListView):
    """The open cases, the most urgent first. The reading is logged ("queue")."""

    permission_classes = [IsAuthenticated, CanWorkCases]
    serializer_class = s.CaseSerializer
    queryset = Case.objects.none()
    filterset_class = filters.CaseFilter

    def get_queryset(self):
        return selectors.case_queue()

    def list(self, request, *args, **kwargs):
        services.access_log(user=request.user, case=None, action="queue")
        return super().list(request, *args, **kwargs)

    def present(self, item: Case) -> dict:
        return _case(item)


class CaseDetail(ApiView):
    """One case with its history. The reading is logged ("view")."""

    permission_classes = [IsAuthenticated, CanWorkCases]

    @extend_schema(responses=s.CaseDetailSerializer)
    def get(self, request, pk: int):
        case = selectors.case_for(user=request.user, pk=pk)
        services.access_log(user=request.user, case=case, action="view")
        return Response(s.CaseDetailSerializer(_case_detail(case)).data)


class CaseMove(ApiView):
    """Move a case along requested → accepted → in progress → completed | failed | cancelled.
    The change is logged and kept in the case's history."""

    permission_classes = [IsAuthenticated, CanWorkCases]

    @extend_schema(request=s.CaseMoveSerializer, responses=s.CaseDetailSerializer)
    def post(self, request, pk: int):
        data = valid(s.CaseMoveSerializer, request)
        case = selectors.case_for(user=request.user, pk=pk)
        moved = services.case_move(
            case=case, to=data["to"], by=request.user, outcome=data["outcome"], note=data["note"]
        )
        return Response(s.CaseDetailSerializer(_case_detail(moved)).data)


class SocialMap(ListView):
    """The services of the social map, each an Open Referral HSDS 3 service in the reader's
    language (as `manage.py export_hsds` writes them), in the pages of every list here.
    Filters: `kind`, `postcode` (the services serving it), `language`, `checked`."""

    permission_classes = [IsAuthenticated, IsStaff]
    serializer_class = s.HsdsServiceSerializer
    queryset = Service.objects.none()
    filterset_class = filters.SocialMapFilter

    def get_queryset(self):
        return (
            Service.objects.select_related("organization")
            .prefetch_related("phones", "schedules", "service_areas")
            .order_by("id")
        )

    def present(self, item: Service) -> dict:
        return social_map.hsds_service(item, language=get_language()[:2])
