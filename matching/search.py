"""Candidate search: the helppers who can do one visit, nearest first, in one indexed query.

Every hard constraint is in SQL:

- within the request's maximum distance (a constant for the query, so the GiST index on the
  helppers' locations bounds the scan) and within the helpper's own radius (per row);
- the helpper does the category, shares a language, has a car when one is needed;
- vetted, not paused, active account, not the helppie themself;
- a weekly availability slot covers the visit (tested on the row's copy of the slots,
  `week_availability`, kept by a database trigger: see marketplace migration 0006), and no
  planned visit of theirs overlaps it;
- their planned hours that week plus this visit stay within their weekly capacity;
- neither side has blocked the other.

Rows come in index order (`location <-> point`, PostGIS KNN on the partial GiST index of working
helppers who do the request's category), so PostgreSQL stops as soon as `limit` rows have passed the
filters. Every test on the helpper's own row is answered from that row (no lookup per rejected
helpper), and the category's index leaves out helppers of other categories (about half the rows
read). A per-row radius in `ST_DWithin` alone cannot use an index (DESIGN.md measured 1.8 s at 1M
rows): the constant maximum distance is what keeps the scan local. It is written as the box test
`ST_DWithin` builds internally (`&& _ST_Expand`) plus one `<->` comparison, because PostGIS 3.3
estimates `ST_DWithin` at 1 row in 10,000 whatever the distance: with it the planner read every
helpper in the box and sorted them (p95 1.7 s at 1M in bench/matching.py) instead of walking the
index nearest-first (p95 18 ms). `<->` on geography is the sphere distance, 0.15 % shorter than the
spheroid's: a helpper right at the edge of their radius may be kept, never one well beyond.
Helppers who already helped this person are added by id (continuity), checked against the same
constraints, so a familiar face further away is not lost behind the nearest strangers; without
any, that second branch is left out of the query (less to plan). The visit's week range is
computed by an immutable SQL function from constants, so the planner sees its value: given only
a parameter it guessed that few helppers are free and read whole boxes again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

from marketplace.models import HelpRequest, Visit


def constraints_sql(*, boxed: bool = True, **values: str) -> str:
    """The hard constraints as SQL over `h` (helpper profile), `u` (user) and `week` (their
    planned seconds that week), given SQL expressions for the need's values: parameters for one
    search, columns of the visit, request and place when a whole week is assigned at once.

    `boxed` adds the bounding-box test that lets the GiST index bound a nearest-first scan;
    without it (helppers looked up by id) the planner has no reason to walk the index.
    """
    box = "AND h.location && _ST_Expand({point}, {max_distance})" if boxed else ""
    return f"""
    h.approved_at IS NOT NULL AND NOT h.is_paused AND u.is_active
    AND h.user_id <> {{helppie}}
    {box}
    AND h.location <-> {{point}} <= LEAST(h.radius_m, {{max_distance}})
    AND {{category}} = ANY(h.categories)
    AND h.languages && {{languages}}
    AND (h.has_car OR NOT {{car_needed}})
    AND h.week_availability @> {{week_span}}
    AND NOT EXISTS (
        SELECT 1 FROM marketplace_visit busy
        WHERE busy.helpper_id = h.user_id AND busy.status IN ('planned', 'done')
          AND busy.starts_at < {{ends_at}} AND busy.ends_at > {{starts_at}})
    AND NOT EXISTS (
        SELECT 1 FROM marketplace_block b
        WHERE (b.blocker_id = h.user_id AND b.blocked_id = {{helppie}})
           OR (b.blocker_id = {{helppie}} AND b.blocked_id = h.user_id))
    AND week.seconds + {{duration}} <= h.weekly_capacity_hours * 3600
    """.format(**values)


def week_sql(*, week_start: str, week_end: str) -> str:
    """A lateral join giving `week.seconds`: the helpper's planned or done time that week."""
    return f"""
    CROSS JOIN LATERAL (
        SELECT COALESCE(SUM(EXTRACT(EPOCH FROM w.ends_at - w.starts_at)), 0) AS seconds
        FROM marketplace_visit w
        WHERE w.helpper_id = h.user_id AND w.status IN ('planned', 'done')
          AND w.starts_at >= {week_start} AND w.starts_at < {week_end}) week
    """


_POINT = "ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography"
_PARAMS = dict(
    helppie="%(helppie)s",
    point=_POINT,
    max_distance="%(max_distance)s",
    category="%(category)s",
    languages="%(languages)s::varchar[]",
    car_needed="%(car_needed)s",
    week_span="marketplace_visit_week_span(%(starts_at)s, %(ends_at)s)",
    starts_at="%(starts_at)s",
    ends_at="%(ends_at)s",
    duration="%(duration)s",
)
_ONE = constraints_sql(**_PARAMS)
_BY_ID = constraints_sql(boxed=False, **_PARAMS)
_WEEK = week_sql(week_start="%(week_start)s", week_end="%(week_end)s")
_SELECT = f"""
    SELECT h.user_id, u.first_name, u.last_name, h.languages, h.has_car,
           h.weekly_capacity_hours, week.seconds, ST_Distance(h.location, {_POINT})
    FROM marketplace_helpperprofile h
    JOIN marketplace_user u ON u.id = h.user_id
"""

NEAREST_SQL = f"""
    {_SELECT} {_WEEK}
    WHERE {_ONE} AND h.user_id <> ALL(%(exclude)s::bigint[])
    ORDER BY h.location <-> {_POINT}
    LIMIT %(limit)s
"""
# With the helppers who already helped this person (a second branch to plan: only when any).
CANDIDATES_SQL = f"""
    ({NEAREST_SQL})
    UNION
    (
    {_SELECT} {_WEEK}
    WHERE h.user_id = ANY(%(familiar)s::bigint[]) AND {_BY_ID}
      AND h.user_id <> ALL(%(exclude)s::bigint[])
    )
"""


@dataclass(frozen=True)
class Need:
    """The question matching answers: who can do this, there, then?"""

    request_id: int
    helppie_id: int
    category: str
    languages: tuple[str, ...]
    car_needed: bool
    max_distance_m: int
    latitude: float
    longitude: float
    starts_at: datetime
    ends_at: datetime

    @classmethod
    def for_visit(cls, visit: Visit, request: HelpRequest | None = None) -> Need:
        return cls.at(request or visit.request, starts_at=visit.starts_at, ends_at=visit.ends_at)

    @classmethod
    def at(cls, request: HelpRequest, *, starts_at: datetime, ends_at: datetime) -> Need:
        location = request.place.location
        return cls(
            request_id=request.pk,
            helppie_id=request.helppie_id,
            category=request.category,
            languages=tuple(request.languages),
            car_needed=request.car_needed,
            max_distance_m=request.max_distance_m,
            latitude=location.y,
            longitude=location.x,
            starts_at=starts_at,
            ends_at=ends_at,
        )

    def params(self, *, limit: int, familiar: list[int], exclude: list[int]) -> dict:
        local_start = timezone.localtime(self.starts_at)
        week_start = (local_start - timedelta(days=local_start.weekday())).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        return {
            "helppie": self.helppie_id,
            "lat": self.latitude,
            "lon": self.longitude,
            "max_distance": self.max_distance_m,
            "category": self.category,
            "languages": list(self.languages),
            "car_needed": self.car_needed,
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
            "week_start": week_start,
            "week_end": week_start + timedelta(days=7),
            "duration": (self.ends_at - self.starts_at).total_seconds(),
            "limit": limit,
            "familiar": familiar,
            "exclude": exclude,
        }


@dataclass(frozen=True)
class Found:
    """A helpper who passed every hard constraint, before ranking."""

    helpper_id: int
    first_name: str
    last_name: str
    languages: tuple[str, ...]
    has_car: bool
    weekly_capacity_hours: int
    week_hours: float
    distance_m: float


def eligible_helppers(
    need: Need,
    *,
    limit: int = 30,
    familiar: list[int] | None = None,
    exclude: list[int] | None = None,
) -> list[Found]:
    """The nearest `limit` helppers who can do it, plus any `familiar` ones who can: one query."""
    query = CANDIDATES_SQL if familiar else NEAREST_SQL
    with connection.cursor() as cursor:
        cursor.execute(
            query, need.params(limit=limit, familiar=familiar or [], exclude=exclude or [])
        )
        rows = cursor.fetchall()
    found = [
        Found(
            helpper_id=row[0],
            first_name=row[1],
            last_name=row[2],
            languages=tuple(row[3]),
            has_car=row[4],
            weekly_capacity_hours=row[5],
            week_hours=float(row[6]) / 3600,
            distance_m=float(row[7]),
        )
        for row in rows
    ]
    return sorted(found, key=lambda f: f.distance_m)
