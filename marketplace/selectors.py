"""Reads of the marketplace, always on behalf of someone: what may this person see?"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.gis.db.models import PointField
from django.contrib.gis.db.models.functions import Distance, GeometryDistance
from django.db.models import Count, F, Func, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from marketplace import geo
from marketplace.geocoding import gazetteer
from marketplace.models import HelpperProfile, HelpRequest, Message, Offer, User, Visit

GEOGRAPHY = PointField(geography=True, srid=4326)


def helpper_profile_of(user: User) -> HelpperProfile | None:
    if not user.is_authenticated:
        return None
    try:
        return user.helpper_profile
    except HelpperProfile.DoesNotExist:
        return None


def open_requests_near(*, helpper: User) -> QuerySet[HelpRequest]:
    """Open requests this helpper may offer to help with, nearest first.

    Within the helpper's radius (a constant for this query, so the GiST index on the place
    answers it) and within the request's own maximum distance; in one of their categories and
    languages; needing no car unless they have one. Unvetted or paused helppers see nothing.

    The radii are written as the box test `ST_DWithin` builds internally (`&& _ST_Expand`)
    plus `<->` comparisons, as in matching/search.py: PostGIS 3.3 estimates `ST_DWithin` at 1
    row in 10,000, so with it the planner expected one row and joined the helppie by scanning
    every user for each request (170 ms for one page at 5,000 users in bench/load.py, 4 ms
    this way). `<->` is the sphere distance, 0.15 % shorter than the spheroid's.
    """
    profile = helpper_profile_of(helpper)
    if profile is None or not profile.is_available_for_work:
        return HelpRequest.objects.none()
    here = Value(profile.location, output_field=GEOGRAPHY)
    box = Func(here, Value(float(profile.radius_m)), function="_ST_Expand", output_field=GEOGRAPHY)
    requests = (
        HelpRequest.objects.filter(
            status=HelpRequest.Status.OPEN,
            category__in=profile.categories,
            languages__overlap=profile.languages,
            place__location__bboverlaps=box,
        )
        .alias(away=GeometryDistance("place__location", profile.location))
        .filter(away__lte=profile.radius_m)
        .filter(away__lte=F("max_distance_m"))
        .exclude(helppie=helpper)
    )
    if not profile.has_car:
        requests = requests.filter(car_needed=False)
    return requests.annotate(
        distance=Distance("place__location", profile.location),
        my_offer=Subquery(
            Offer.objects.filter(request=OuterRef("pk"), helpper=helpper).values("status")[:1]
        ),
    ).order_by(GeometryDistance("place__location", profile.location))


def help_request_for(*, user: User, pk: int) -> HelpRequest:
    """One request, if this person may see it at all; 404 otherwise (missing or not theirs)."""
    request = HelpRequest.objects.select_related("place", "helppie").filter(pk=pk).first()
    if request is None or not user.is_authenticated:
        raise Http404
    if user.is_staff or request.helppie_id == user.pk:
        return request
    if request.offers.filter(helpper=user).exists():
        return request
    if open_requests_near(helpper=user).filter(pk=pk).exists():
        return request
    raise Http404


def visit_for(*, user: User, pk: int) -> Visit:
    visit = Visit.objects.select_related("request").filter(pk=pk).first()
    if visit is None or not user.is_authenticated:
        raise Http404
    if user.is_staff or user.pk in (visit.helpper_id, visit.request.helppie_id):
        return visit
    raise Http404


def offer_for_deciding(*, user: User, pk: int) -> Offer:
    """An offer the helppie of its request (or staff) may accept; 404 for anyone else."""
    offer = Offer.objects.select_related("request").filter(pk=pk).first()
    if offer is None or not user.is_authenticated:
        raise Http404
    if user.is_staff or offer.request.helppie_id == user.pk:
        return offer
    raise Http404


def accepted_helpper(request: HelpRequest) -> User | None:
    offer = request.offers.filter(status=Offer.Status.ACCEPTED).select_related("helpper").first()
    return offer.helpper if offer else None


def shares_contact(*, request: HelpRequest, user: User) -> bool:
    """Exact address and phone numbers are shared once the helppie has accepted this helpper."""
    if user.is_staff or request.helppie_id == user.pk:
        return True
    return request.offers.filter(helpper=user, status=Offer.Status.ACCEPTED).exists()


@dataclass(frozen=True)
class PlaceView:
    """A place as one viewer may see it: the exact address only when shared."""

    area: str
    address: str | None
    latitude: float
    longitude: float
    distance: str | None


def place_view(*, request: HelpRequest, shared: bool, distance_m: float | None = None) -> PlaceView:
    """The place of a request as shown to someone; `shared` comes from `shares_contact`."""
    place = request.place
    municipality = gazetteer().municipalities.get(place.refnis)
    name = municipality.name(get_language()) if municipality else place.municipality
    area = f"{place.postcode} {name}"
    about = geo.about_distance(distance_m) if distance_m is not None else None
    if shared:
        return PlaceView(area, str(place), place.location.y, place.location.x, about)
    approximate = geo.blurred(place.location)
    return PlaceView(area, None, approximate.y, approximate.x, about)


def helppie_requests(*, helppie: User) -> QuerySet[HelpRequest]:
    return HelpRequest.objects.filter(helppie=helppie).select_related("place")


def helpper_visits(*, helpper: User) -> QuerySet[Visit]:
    return (
        Visit.objects.filter(helpper=helpper)
        .exclude(status=Visit.Status.CANCELLED)
        .select_related("request", "request__place", "request__helppie")
    )


def people_registered_by_phone() -> QuerySet[User]:
    return User.objects.filter(channel=User.Channel.PHONE).order_by("-date_joined")


@dataclass(frozen=True)
class Conversation:
    """One thread between a request's helppie and one helpper, as a participant sees it."""

    request: HelpRequest
    helpper: User
    other_name: str
    last_at: object
    unread: int


def is_conversation_open(*, request: HelpRequest, helpper: User) -> bool:
    """A helpper may talk about a request they offered on, were invited to, or have a visit of."""
    return (
        request.offers.filter(helpper=helpper).exists()
        or request.invitations.filter(helpper=helpper).exists()
        or request.visits.filter(helpper=helpper).exists()
    )


def conversations_for(user: User) -> list[Conversation]:
    """The threads this person takes part in, most recent first, with what is still unread."""
    if not user.is_authenticated:
        return []
    threads = (
        Message.objects.filter(Q(request__helppie=user) | Q(helpper=user))
        .values("request_id", "helpper_id")
        .annotate(
            last_at=Max("created_at"),
            unread=Count("pk", filter=Q(read_at__isnull=True) & ~Q(sender=user)),
        )
        .order_by("-last_at")
    )
    threads = list(threads[:100])
    requests = HelpRequest.objects.select_related("helppie", "place").in_bulk(
        {t["request_id"] for t in threads}
    )
    helppers = User.objects.in_bulk({t["helpper_id"] for t in threads})
    conversations = []
    for thread in threads:
        request, helpper = requests[thread["request_id"]], helppers[thread["helpper_id"]]
        other = helpper if request.helppie_id == user.pk else request.helppie
        shared = shares_contact(request=request, user=helpper)
        conversations.append(
            Conversation(
                request=request,
                helpper=helpper,
                other_name=other.full_name if shared else other.short_name,
                last_at=thread["last_at"],
                unread=thread["unread"],
            )
        )
    return conversations


def thread_for(*, user: User, request_pk: int, helpper_pk: int) -> tuple[HelpRequest, User]:
    """The request and helpper of a conversation this person may read; 404 for anyone else."""
    request = HelpRequest.objects.select_related("helppie", "place").filter(pk=request_pk).first()
    helpper = User.objects.filter(pk=helpper_pk, is_helpper=True).first()
    if request is None or helpper is None or not user.is_authenticated:
        raise Http404
    if not (user.is_staff or user.pk in (request.helppie_id, helpper.pk)):
        raise Http404
    if not is_conversation_open(request=request, helpper=helpper):
        raise Http404
    return request, helpper


def thread_messages(*, request: HelpRequest, helpper: User) -> QuerySet[Message]:
    return Message.objects.filter(request=request, helpper=helpper).select_related("sender")


# --- the homes --------------------------------------------------------------------------------


def helppie_active_requests(*, helppie: User) -> QuerySet[HelpRequest]:
    """The helppie's requests still under way, each with its coming visits (`upcoming`) and the
    number of offers waiting for their choice (`offers_waiting`)."""
    upcoming = (
        Visit.objects.filter(
            starts_at__gte=timezone.now(), status__in=[Visit.Status.OPEN, Visit.Status.PLANNED]
        )
        .select_related("helpper")
        .order_by("starts_at")
    )
    return (
        helppie_requests(helppie=helppie)
        .filter(status__in=[HelpRequest.Status.OPEN, HelpRequest.Status.MATCHED])
        .annotate(offers_waiting=Count("offers", filter=Q(offers__status=Offer.Status.PENDING)))
        .prefetch_related(Prefetch("visits", queryset=upcoming, to_attr="upcoming"))
        .order_by("starts_on", "start_time")
    )


def helpper_upcoming_visits(*, helpper: User) -> QuerySet[Visit]:
    """The helpper's planned visits from now on, soonest first."""
    return helpper_visits(helpper=helpper).filter(
        status=Visit.Status.PLANNED, starts_at__gte=timezone.now()
    )


def requests_without_helpper() -> QuerySet[HelpRequest]:
    """Open requests nobody has been chosen for yet, the oldest first (the staff's worry list)."""
    return (
        HelpRequest.objects.filter(status=HelpRequest.Status.OPEN)
        .select_related("place", "helppie")
        .order_by("created_at")
    )


def helppers_to_vet() -> QuerySet[HelpperProfile]:
    """Helpper profiles a coordinator has not approved yet, the longest waiting first."""
    return (
        HelpperProfile.objects.filter(approved_at__isnull=True)
        .select_related("user")
        .order_by("user__date_joined")
    )
