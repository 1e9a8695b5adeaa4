"""Messages between a request's helppie and one helpper (marketplace.services.message_send)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api import presenters
from api import serializers as s
from api.permissions import IsAuthenticated
from api.views.base import ApiView, valid
from marketplace import selectors, services
from marketplace.models import Message


class Conversations(ApiView):
    """The conversations I take part in, the most recent first (at most 100)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.ConversationSerializer(many=True))
    def get(self, request):
        rows = [
            {
                "request": c.request.pk,
                "helpper": c.helpper.pk,
                "other_name": c.other_name,
                "last_at": c.last_at,
                "unread": c.unread,
            }
            for c in selectors.conversations_for(request.user)
        ]
        return Response(s.ConversationSerializer(rows, many=True).data)


def _message(message: Message, reader) -> dict:
    return {
        "id": message.pk,
        "sender_id": message.sender_id,
        "mine": message.sender_id == reader.pk,
        "body": message.body,
        "created_at": message.created_at,
        "read_at": message.read_at,
    }


class Thread(ApiView):
    """GET: one conversation, oldest first; what the other side wrote is then read.
    POST: write in it. Only its helppie, its helpper and staff; 404 for anyone else."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.MessageSerializer(many=True))
    def get(self, request, request_pk: int, helpper_pk: int):
        found, helpper = selectors.thread_for(
            user=request.user, request_pk=request_pk, helpper_pk=helpper_pk
        )
        thread = list(selectors.thread_messages(request=found, helpper=helpper))
        services.messages_mark_read(request=found, helpper=helpper, reader=request.user)
        rows = [_message(m, request.user) for m in thread]
        return Response(s.MessageSerializer(rows, many=True).data)

    @extend_schema(request=s.MessageCreateSerializer, responses={201: s.MessageSentSerializer})
    def post(self, request, request_pk: int, helpper_pk: int):
        data = valid(s.MessageCreateSerializer, request)
        found, helpper = selectors.thread_for(
            user=request.user, request_pk=request_pk, helpper_pk=helpper_pk
        )
        message = services.message_send(
            request=found, helpper=helpper, sender=request.user, body=data["body"]
        )
        body = {**_message(message, request.user), "notice": presenters.notice(message.notice)}
        return Response(s.MessageSentSerializer(body).data, status=201)
