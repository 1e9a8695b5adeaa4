"""Who I am, as the API sees me."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api import serializers as s
from api.permissions import IsAuthenticated
from api.views.base import ApiView
from referrals import selectors as referral_selectors


class Me(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.MeSerializer)
    def get(self, request):
        user = request.user
        body = {
            "id": user.pk,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "preferred_language": user.preferred_language,
            "is_helppie": user.is_helppie,
            "is_helpper": user.is_helpper,
            "is_staff": user.is_staff,
            "may_work_cases": referral_selectors.may_work_cases(user),
        }
        return Response(s.MeSerializer(body).data)
