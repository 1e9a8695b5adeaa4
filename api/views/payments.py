"""Statements: the monthly summaries of a helppie's charges or a helpper's payouts."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api import serializers as s
from api.permissions import IsAuthenticated
from api.views.base import ApiView, ListView
from payments_stub import selectors
from payments_stub.models import Statement


def _statement(found: Statement) -> dict:
    keep = ["id", "kind", "month", "minutes", "gross_cents", "fee_cents", "contribution_cents"]
    keep += ["withheld_cents", "total_cents", "state"]
    return {name: getattr(found, name) for name in keep}


class Statements(ListView):
    """My statements, the latest month first."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.StatementSerializer
    queryset = Statement.objects.none()

    def get_queryset(self):
        return selectors.statements_of(person=self.request.user).order_by("-month", "kind", "pk")

    def present(self, item: Statement) -> dict:
        return _statement(item)


class StatementDetail(ApiView):
    """One statement with its lines, for its person or staff; 404 for anyone else."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.StatementDetailSerializer)
    def get(self, request, pk: int):
        found = selectors.statement_for(user=request.user, pk=pk)
        for_helppie = found.kind == Statement.Kind.HELPPIE
        lines = [
            {
                "day": timezone.localdate(line.started_at),
                "other_name": (line.helpper if for_helppie else line.helppie).full_name,
                "minutes": line.minutes,
                "gross_cents": line.gross_cents,
                "fee_cents": line.fee_cents,
                "contribution_cents": line.contribution_cents,
                "withheld_cents": line.withheld_cents,
                "total_cents": line.helppie_cents if for_helppie else line.net_cents,
            }
            for line in selectors.statement_lines(found)
        ]
        body = {**_statement(found), "lines": lines}
        return Response(s.StatementDetailSerializer(body).data)
