"""Reads of the marketplace, always on behalf of someone: what may this person see?"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from functools import cached_property

from django.contrib.gis.db.models import PointField
from django.contrib.gis.db.models.functions import Distance, GeometryDistance
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from marketplace import geo
from marketplace.choices import Category
from marketplace.geocoding import gazetteer
from marketplace.models import (
    HelpperProfile,
    HelpRequest,
    Message,
    Offer,
    Place,
    User,
    Visit,
    short_name,
)

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


NEAR_ME_LIMIT = 100  # the nearest open requests a list shows: the page's cards, the API's feed

# `open_requests_near` in SQL, for the list helppers read most (the API feed): the ORM spent
# more time building and compiling that query (~4 ms, twice with the count) than PostgreSQL spent
# answering it (1-2 ms for the nearest 100 of 550 in bench/load.py). Same conditions, same bounds
# (the `&&` box the GiST index answers and `<->` comparisons: see `open_requests_near` on why not
# `ST_DWithin`); tests/marketplace/test_near_me.py checks that both find the same requests.

# The helpper's side of the rule: where they are, how far they go, what they do and speak, and
# whether they may work at all (vetted and not paused, as HelpperProfile.is_available_for_work).
# Read with one small statement: the profile through the ORM (the query built, a model and its
# point made) took three times as long.
_HELPPER_SQL = """
    SELECT ST_Y(location::geometry), ST_X(location::geometry), radius_m, categories, languages,
           has_car
    FROM marketplace_helpperprofile
    WHERE user_id = %(helpper)s AND approved_at IS NOT NULL AND NOT is_paused
"""
# What a card shows: never the street, the exact point only to be blurred. The request's own
# columns first: the nearest rows carry them, so a page's cards need not read the requests again.
_REQUEST_COLUMNS = """
    r.id, r.category, r.description, r.recurrence, r.starts_on, r.start_time,
    r.duration_minutes, r.hourly_allowance_cents, r.languages, r.car_needed
"""
_CARD_COLUMNS = f"""
    {_REQUEST_COLUMNS},
    p.postcode, p.refnis, p.municipality,
    ST_Y(p.location::geometry), ST_X(p.location::geometry), ST_Distance(p.location, {{here}}),
    u.first_name, u.last_name,
    (SELECT o.status FROM marketplace_offer o  -- one a helpper (offer_one_per_helpper)
     WHERE o.request_id = r.id AND o.helpper_id = %(helpper)s)
"""
_CARD_JOINS = """
    JOIN marketplace_place p ON p.id = r.place_id
    JOIN marketplace_user u ON u.id = r.helppie_id
"""
# The point is the request's copy of its place's (`place_location`, kept by triggers: migration
# marketplace 0008), so one scan of the open requests answers without joining the places in the
# box. The nearest are found by distance alone, as the GiST index orders them, keeping every
# request as near as the last (`WITH TIES`), then ordered by distance and id: the id keeps two
# requests at one place in the same order from page to page. Where the box holds many requests
# PostgreSQL then walks the index nearest-first and stops; asked for distance and id at once it
# sorted every match in the box (30 ms against 3 with bench/load.py's Brussels ten times over,
# 33,000 requests). `{extra}` takes the filters the reader chose, `{here}` is the helpper's point.
_NEAREST_SQL = f"""
    SELECT found.*, row_number() OVER (ORDER BY found.away, found.id) AS n
    FROM (
        SELECT {_REQUEST_COLUMNS}, r.place_id, r.helppie_id, r.place_location <-> {{here}} AS away
        FROM marketplace_helprequest r
        WHERE r.status = 'open'
          AND r.category = ANY(%(categories)s::varchar[])
          AND r.languages && %(languages)s::varchar[]
          AND r.place_location && _ST_Expand({{here}}, %(radius)s)
          AND r.place_location <-> {{here}} <= %(radius)s
          AND r.place_location <-> {{here}} <= r.max_distance_m
          AND r.helppie_id <> %(helpper)s
          {{extra}}
        ORDER BY r.place_location <-> {{here}}
        FETCH FIRST (%(limit)s) ROWS WITH TIES
    ) found
    ORDER BY found.away, found.id
    LIMIT %(limit)s
"""
# The nearest ids and, in the same statement, the cards of the rows a page will show (`start` <
# n <= `stop`): the count and the first page in one round trip. The cards join the nearest rows
# themselves, not the requests again: one table fewer took two fifths off planning the
# statement, which had been a quarter of its time.
_NEAREST_WITH_CARDS_SQL = f"""
    WITH nearest AS MATERIALIZED ({_NEAREST_SQL})
    SELECT nearest.id, card.*
    FROM nearest
    LEFT JOIN (
        SELECT {_CARD_COLUMNS}
        FROM nearest r
        {_CARD_JOINS}
        WHERE r.n > %(start)s AND r.n <= %(stop)s
    ) card ON card.id = nearest.id
    ORDER BY nearest.n
"""
# Cards of other rows, later, in the list's order; each row found by its key (`unnest`).
_CARDS_SQL = f"""
    SELECT {_CARD_COLUMNS}
    FROM unnest(%(ids)s::bigint[]) WITH ORDINALITY AS page (id, n)
    JOIN marketplace_helprequest r ON r.id = page.id
    {_CARD_JOINS}
    WHERE r.status = 'open'  -- one closed since the ids were read is left out, not shown stale
    ORDER BY page.n
"""
_HERE = "ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography"


@dataclass(frozen=True)
class NearbyRequest:
    """An open request as a helpper not yet chosen sees it in a list."""

    id: int
    category: str
    description: str
    recurrence: str
    starts_on: date
    start_time: time
    duration_minutes: int
    hourly_allowance_cents: int
    languages: list[str]
    car_needed: bool
    place: PlaceView
    helppie_name: str
    my_offer: str | None

    @property
    def category_label(self) -> str:
        return Category(self.category).label


class OpenRequestsNear(Sequence):
    """The nearest open requests (at most `limit`) a helpper may offer on, as cards, for a
    paginator: its length is one query for the ids, a slice reads those cards only. Given the
    slice a page will ask for (`prefetch`), that query brings its cards along.

    Who sees what is `open_requests_near`'s rule; `category` and `car_needed` narrow it further.
    """

    def __init__(
        self,
        *,
        helpper: User,
        category: str | None = None,
        car_needed: bool | None = None,
        limit: int | None = None,
        prefetch: slice | None = None,
    ) -> None:
        self.helpper = helpper
        self.extra, self.query = self._query(
            category=category, car_needed=car_needed, limit=limit or NEAR_ME_LIMIT
        )
        self.prefetch = range(prefetch.start or 0, prefetch.stop) if prefetch else range(0)
        self.prefetched: dict[int, NearbyRequest] = {}

    def _query(self, *, category, car_needed, limit) -> tuple[str, dict | None]:
        """The filters the reader chose, as SQL, and the query's parameters; no parameters when
        this helpper may see nothing."""
        if not self.helpper.is_authenticated:
            return "", None
        with connection.cursor() as cursor:
            cursor.execute(_HELPPER_SQL, {"helpper": self.helpper.pk})
            found = cursor.fetchone()
        if found is None:  # not a helpper, or not one who may work now
            return "", None
        latitude, longitude, radius_m, categories, languages, has_car = found
        extra = []
        if not has_car:
            if car_needed:
                return "", None
            extra.append("AND NOT r.car_needed")
        if car_needed is not None:
            extra.append("AND r.car_needed = %(car_needed)s")
        return " ".join(extra), {
            "lat": latitude,
            "lon": longitude,
            "categories": [c for c in categories if not category or c == category],
            "languages": languages,
            "radius": float(radius_m),
            "helpper": self.helpper.pk,
            "car_needed": car_needed,
            "limit": limit,
        }

    def _here(self) -> dict:
        return {"lat": self.query["lat"], "lon": self.query["lon"]}

    def _sql(self) -> tuple[str, dict]:
        sql = _NEAREST_WITH_CARDS_SQL.format(here=_HERE, extra=self.extra)
        return sql, {**self.query, "start": self.prefetch.start, "stop": self.prefetch.stop}

    @cached_property
    def ids(self) -> list[int]:
        if self.query is None:
            return []
        with connection.cursor() as cursor:
            cursor.execute(*self._sql())
            rows = cursor.fetchall()
        self.prefetched = {n: _nearby(row[1:]) for n, row in enumerate(rows) if row[1] is not None}
        return [row[0] for row in rows]

    def explain(self) -> str:
        """EXPLAIN ANALYZE of the query (bench/load.py prints it with LOAD_EXPLAIN=1)."""
        if self.query is None:
            return "(no query: this helpper sees nothing)"
        with connection.cursor() as cursor:
            sql, params = self._sql()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self):
        return iter(self[:])  # one query for all the cards, not one per card

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 or None][0]
        wanted = range(len(self))[index]
        if wanted.step == 1 and all(n in self.prefetch for n in (wanted.start, wanted.stop - 1)):
            return [self.prefetched[n] for n in wanted if n in self.prefetched]
        return self.cards([self.ids[n] for n in wanted])

    def cards(self, ids: list[int]) -> list[NearbyRequest]:
        """These requests (ids from this list) as cards, in the list's order."""
        if not ids:
            return []
        with connection.cursor() as cursor:
            sql = _CARDS_SQL.format(here=_HERE)
            cursor.execute(sql, {**self._here(), "helpper": self.helpper.pk, "ids": ids})
            return [_nearby(row) for row in cursor.fetchall()]


def _nearby(row: tuple) -> NearbyRequest:
    postcode, refnis, municipality, latitude, longitude, metres, first, last, offer = row[10:]
    return NearbyRequest(
        *row[:10],  # id to car_needed: the first ten columns are the first ten fields
        place=approximate_place(
            postcode=postcode,
            refnis=refnis,
            municipality=municipality,
            latitude=latitude,
            longitude=longitude,
            distance_m=metres,
        ),
        helppie_name=short_name(first, last),  # "Jeanne D.", as User.short_name says it
        my_offer=offer,
    )


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
    if shared:
        area = area_name(postcode=place.postcode, refnis=place.refnis, fallback=place.municipality)
        about = geo.about_distance(distance_m) if distance_m is not None else None
        return PlaceView(area, str(place), place.location.y, place.location.x, about)
    return approximate_place(
        postcode=place.postcode,
        refnis=place.refnis,
        municipality=place.municipality,
        latitude=place.location.y,
        longitude=place.location.x,
        distance_m=distance_m,
    )


def approximate_place(
    *,
    postcode: str,
    refnis: str,
    municipality: str,
    latitude: float,
    longitude: float,
    distance_m: float | None,
) -> PlaceView:
    """A place as someone not yet agreed sees it: no address, the point blurred to its ~500 m
    cell, the distance rounded."""
    about = geo.about_distance(distance_m) if distance_m is not None else None
    area = area_name(postcode=postcode, refnis=refnis, fallback=municipality)
    return PlaceView(area, None, *geo.blurred_degrees(latitude, longitude), about)


def area_name(*, postcode: str, refnis: str, fallback: str) -> str:
    """ "1050 Ixelles": the postcode and the municipality's name in the reader's language."""
    municipality = gazetteer().municipalities.get(refnis)
    return f"{postcode} {municipality.name(get_language()) if municipality else fallback}"


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


# --- finding someone who calls again ----------------------------------------------------------

# "+32 2 ...", "0032 2 ...", "+32 (0)2 ..." and "+32 02 ..." are all the national "02 ...": a
# Belgian number written internationally loses its country code, and a stray trunk 0 with it.
_BELGIAN_PREFIX = r"^\s*(\+|00)\s*32\s*(\(0\)|0)?"
# Lower case without accents, so "Hélène" finds "helene" (no unaccent extension needed).
_ACCENTED, _PLAIN = "àáâäãåçèéêëìíîïñòóôöõùúûüýÿ", "aaaaaaceeeeiiiinooooouuuuyy"
FOUND_LIMIT = 20


def phone_digits(phone: str) -> str:
    """A phone number as its national digits: "+32 2 555.01.23" and "02/555 01 23" are both
    "025550123". The same rule as `_phone_digits_sql`, so both sides compare alike."""
    return re.sub(r"\D", "", re.sub(_BELGIAN_PREFIX, "0", phone or ""))


def _phone_digits_sql(field: str) -> Func:
    national = Func(F(field), Value(_BELGIAN_PREFIX), Value("0"), function="regexp_replace")
    return Func(national, Value(r"\D"), Value(""), Value("g"), function="regexp_replace")


def _folded(text: str) -> str:
    return text.strip().lower().translate(str.maketrans(_ACCENTED, _PLAIN))


def _folded_sql(field: str) -> Func:
    return Func(Lower(field), Value(_ACCENTED), Value(_PLAIN), function="translate")


@dataclass(frozen=True)
class PersonFound:
    """A helppie as the intake lists them: enough to recognise, not to expose."""

    pk: int
    short_name: str
    area: str
    phone_end: str


def _helppies_to_find() -> QuerySet[User]:
    home = Place.objects.filter(owner=OuterRef("pk")).order_by("pk")
    return User.objects.filter(is_helppie=True, is_active=True).annotate(
        phone_national=_phone_digits_sql("phone"),
        first_folded=_folded_sql("first_name"),
        last_folded=_folded_sql("last_name"),
        home_postcode=Subquery(home.values("postcode")[:1]),
        home_refnis=Subquery(home.values("refnis")[:1]),
        home_municipality=Subquery(home.values("municipality")[:1]),
    )


def _found(people: QuerySet[User]) -> list[PersonFound]:
    return [
        PersonFound(
            pk=person.pk,
            short_name=person.short_name,
            area=area_name(
                postcode=person.home_postcode or "",
                refnis=person.home_refnis or "",
                fallback=person.home_municipality or "",
            ).strip()
            if person.home_postcode
            else "",
            phone_end=person.phone_national[-4:],
        )
        for person in people.order_by("last_folded", "first_folded", "pk")[:FOUND_LIMIT]
    ]


def _lives_at(postcode: str) -> Exists:
    return Exists(Place.objects.filter(owner=OuterRef("pk"), postcode=postcode))


def helppies_found(*, query: str) -> list[PersonFound]:
    """Helppies a coordinator looks for by name, phone or postcode, in one query.

    A query of phone characters with five digits or more is a phone number, or part of one,
    whatever its spaces, dots, slashes or country prefix; four digits are a postcode or the end
    of a phone number; anything else is words, each found in the first or last name (ignoring
    case and accents), with four-digit words as postcodes: "dupont 1050".
    """
    query = query.strip()
    people = _helppies_to_find()
    if re.fullmatch(r"\d{4}", query):
        return _found(people.filter(_lives_at(query) | Q(phone_national__endswith=query)))
    if re.fullmatch(r"[\d\s./()+-]+", query) and len(re.sub(r"\D", "", query)) >= 5:
        return _found(people.filter(phone_national__contains=phone_digits(query)))
    words = query.split()
    if not words:
        return []
    for word in words:
        if re.fullmatch(r"\d{4}", word):
            people = people.filter(_lives_at(word))
        else:
            folded = _folded(word)
            people = people.filter(
                Q(first_folded__contains=folded) | Q(last_folded__contains=folded)
            )
    return _found(people)


def helppies_alike(
    *, first_name: str, last_name: str, phone: str, postcode: str
) -> list[PersonFound]:
    """Helppies who may be the person about to be registered: the same phone number (as
    national digits), or the same first and last name (ignoring case and accents) with a
    place at the same postcode."""
    same_name = Q(first_folded=_folded(first_name), last_folded=_folded(last_name))
    alike = same_name & _lives_at(postcode.strip()) if first_name.strip() else Q(pk__in=[])
    digits = phone_digits(phone)
    if len(digits) >= 6:
        alike |= Q(phone_national=digits)
    return _found(_helppies_to_find().filter(alike))
