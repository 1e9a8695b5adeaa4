"""A helppie's requests, the offers on them and their visits; anyone's side of one request."""

from __future__ import annotations

import uuid

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api import filters, presenters
from api import serializers as s
from api.permissions import IsAuthenticated
from api.views.base import ApiView, ListView, valid
from marketplace import selectors, services
from marketplace.models import HelpRequest, Offer, Place, User
from matching import services as matching_services


class HelpRequestList(ListView):
    """GET: my requests, newest first. POST: ask for help (the same service as the pages)."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.HelpRequestSerializer
    queryset = HelpRequest.objects.none()
    filterset_class = filters.HelpRequestFilter
    # The service names the allowance field after the form's.
    service_fields = {"hourly_allowance": "hourly_allowance_cents"}

    def get_queryset(self):
        user = self.request.user
        return (
            selectors.helppie_requests(helppie=user)
            .select_related("helppie")
            .order_by("-created_at", "-pk")
        )

    def present(self, item: HelpRequest) -> dict:
        # The helppie reads their own requests: everything is theirs to see.
        return presenters.help_request(item, shared=True)

    @extend_schema(
        request=s.HelpRequestCreateSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="A UUID the app makes once per request it means to post: sent again"
                " (a retry after a lost answer), it posts nothing and answers 200 with the"
                " request the first sending posted.",
            )
        ],
        responses={201: s.HelpRequestCreatedSerializer, 200: s.HelpRequestCreatedSerializer},
    )
    def post(self, request):
        key = _idempotency_key(request)
        data = valid(s.HelpRequestCreateSerializer, request)
        helppie = request.user
        place = None
        if data["place"] is not None:
            place = Place.objects.filter(pk=data["place"], owner=helppie).first()
            if place is None:
                raise ValidationError(
                    {"place": [_("Choose one of your addresses, or give a new one.")]}
                )
        created, found = services.help_request_post(
            helppie=helppie,
            created_by=helppie,
            category=data["category"],
            description=data["description"],
            schedule=services.Schedule.from_fields(data),
            hourly_allowance_cents=data["hourly_allowance_cents"],
            languages=data["languages"],
            car_needed=data["car_needed"],
            place=place,
            street=data["street"],
            postcode=data["postcode"],
            submission=key,
        )
        body = {**presenters.help_request(created, shared=True), "notice": presenters.notice(found)}
        # No screening notice means nothing was posted: the key's first sending had posted it.
        again = key is not None and found is None
        return Response(
            s.HelpRequestCreatedSerializer(body).data,
            status=status.HTTP_200_OK if again else status.HTTP_201_CREATED,
        )


def _idempotency_key(request) -> uuid.UUID | None:
    raw = request.headers.get("Idempotency-Key")
    if raw is None:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ValidationError(
            {"Idempotency-Key": [_("The Idempotency-Key header must be a UUID.")]}
        ) from None


class HelpRequestDetail(ApiView):
    """One request as the reader may see it: the helppie, the chosen helpper, staff, or a
    helpper it is open to (blurred place and short name until they are chosen)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.HelpRequestDetailSerializer)
    def get(self, request, pk: int):
        viewer = request.user
        found = selectors.help_request_for(user=viewer, pk=pk)
        nearby = selectors.open_requests_near(helpper=viewer).filter(pk=pk).first()
        shared = selectors.shares_contact(request=found, user=viewer)
        my_offer = found.offers.filter(helpper=viewer).values_list("status", flat=True).first()
        accepted = selectors.accepted_helpper(found)
        body = presenters.help_request(
            found,
            shared=shared,
            distance_m=nearby.distance.m if nearby is not None else None,
            my_offer=my_offer,
        )
        body["accepted_helpper"] = (
            presenters.person(accepted, shared=True) if shared and accepted else None
        )
        body["visits"] = _visits(found) if shared else []
        return Response(s.HelpRequestDetailSerializer(body).data)


def _visits(found: HelpRequest) -> list[dict]:
    """The visits of a request, for someone who shares its contact details."""
    visits = list(found.visits.select_related("helpper").order_by("starts_at"))
    agreed = {
        pk: selectors.shares_contact(request=found, user=helpper)
        for pk, helpper in {v.helpper_id: v.helpper for v in visits if v.helpper}.items()
    }
    return [presenters.visit(v, shared=agreed.get(v.helpper_id, False)) for v in visits]


class HelpRequestVisits(ApiView):
    """The visits of one request: for its helppie, the chosen helpper and staff; 404 else."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.VisitSerializer(many=True))
    def get(self, request, pk: int):
        found = selectors.help_request_for(user=request.user, pk=pk)
        if not selectors.shares_contact(request=found, user=request.user):
            raise Http404
        return Response(s.VisitSerializer(_visits(found), many=True).data)


class HelpRequestOffers(ApiView):
    """GET: the offers on a request (its helppie and staff see all, a helpper their own).
    POST: a helpper offers to help with a request open to them."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.OfferSerializer(many=True))
    def get(self, request, pk: int):
        viewer = request.user
        found = selectors.help_request_for(user=viewer, pk=pk)
        offers = found.offers.select_related("helpper").order_by("created_at", "pk")
        if not (viewer.is_staff or found.helppie_id == viewer.pk):
            offers = offers.filter(helpper=viewer)
        accepted = selectors.accepted_helpper(found)
        rows = [_offer(offer, accepted) for offer in offers]
        return Response(s.OfferSerializer(rows, many=True).data)

    @extend_schema(request=s.OfferCreateSerializer, responses={201: s.OfferSerializer})
    def post(self, request, pk: int):
        data = valid(s.OfferCreateSerializer, request)
        found = selectors.help_request_for(user=request.user, pk=pk)
        offer = services.offer_make(request=found, helpper=request.user, message=data["message"])
        return Response(s.OfferSerializer(_offer(offer, None)).data, status=201)


def _offer(offer: Offer, accepted: User | None) -> dict:
    return {
        "id": offer.pk,
        "request_id": offer.request_id,
        "helpper": presenters.person(
            offer.helpper, shared=accepted is not None and accepted.pk == offer.helpper_id
        ),
        "message": offer.message,
        "status": offer.status,
        "created_at": offer.created_at,
    }


class OfferAccept(ApiView):
    """The helppie (or staff) chooses this offer. Exactly one offer per request wins, even when
    several choices arrive at once; the others get 400 with the reason."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=s.OfferSerializer)
    def post(self, request, pk: int):
        offer = selectors.offer_for_deciding(user=request.user, pk=pk)
        chosen = matching_services.offer_choose(offer=offer, by=request.user)
        return Response(s.OfferSerializer(_offer(chosen, chosen.helpper)).data)
