"""Messages between a request's helppie and one helpper (marketplace.services.message_send)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api import filters, presenters
from api import serializers as s
from api.permissions import IsAuthenticated
from api.views.base import ListView, filter_values, valid
from marketplace import selectors, services
from marketplace.models import Message


class Conversations(ListView):
    """The conversations I take part in, the most recent first; `unread=true` keeps those with
    something I have not read. The 100 most recent at most, as on the page: `count` stops there."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.ConversationSerializer
    queryset = Message.objects.none()  # the schema's; the rows come from the selector
    filterset_class = filters.ConversationFilter

    def list(self, request, *args, **kwargs):
        conversations = selectors.conversations_for(request.user)
        unread = filter_values(self.filterset_class, request).get("unread")
        if unread is not None:
            conversations = [c for c in conversations if bool(c.unread) == unread]
        rows = self.paginate_queryset(conversations)
        serializer = self.get_serializer([self.present(row) for row in rows], many=True)
        return self.get_paginated_response(serializer.data)

    def present(self, item: selectors.Conversation) -> dict:
        return {
            "request": item.request.pk,
            "helpper": item.helpper.pk,
            "other_name": item.other_name,
            "last_at": item.last_at,
            "unread": item.unread,
        }


def _message(message: Message, reader) -> dict:
    return {
        "id": message.pk,
        "sender_id": message.sender_id,
        "mine": message.sender_id == reader.pk,
        "body": message.body,
        "created_at": message.created_at,
        "read_at": message.read_at,
    }


class Thread(ListView):
    """GET: one conversation, oldest first (`?page=last` for the latest); what the other side
    wrote is then read. POST: write in it. Only its helppie, its helpper and staff; 404 for
    anyone else."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.MessageSerializer
    queryset = Message.objects.none()

    def get_queryset(self):
        found, helpper = self._thread()
        return selectors.thread_messages(request=found, helpper=helpper).order_by(
            "created_at", "pk"
        )

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        found, helpper = self._thread()
        services.messages_mark_read(request=found, helpper=helpper, reader=request.user)
        return response

    def present(self, item: Message) -> dict:
        return _message(item, self.request.user)

    def _thread(self):
        if not hasattr(self, "_found"):
            self._found = selectors.thread_for(
                user=self.request.user,
                request_pk=self.kwargs["request_pk"],
                helpper_pk=self.kwargs["helpper_pk"],
            )
        return self._found

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
