"""A whole week at once: every open visit assigned under the helppers' capacities.

The graph: source → each visit (capacity 1) → (helpper, day, half-day) (capacity 1, so a helpper
never gets two visits in the same part of a day) → helpper (capacity: how many of their candidate
visits fit in the hours left that week) → sink. Arcs visit → helpper exist only where the indexed
candidate search says the helpper can do that visit: the `per_visit` nearest who pass every hard
constraint, found by one set-based query per batch of visits (a LATERAL nearest-first scan per
visit). A batch holds visits of one category, in geohash order, so each scan walks that
category's index over pages the previous visits already brought into the cache; two connections
fetch batches at once. For 10,000 visits among 100,000 helppers the whole plan went from 194 s to
9-18 s (bench/matching.py), with the same arcs, fill and kilometres.

OR-Tools' `solve_max_flow_with_min_cost` first serves as many visits as possible, then minimises
the total cost (metres, plus 1 km per recent lapse). Durations differ, so the hour capacity is
then checked exactly and visits overlapping across half-days are caught: those few are taken off
and re-offered greedily to the next helpper with room. Greedy nearest-first over the same arcs,
in the order visits were posted (first come, first served), is reported beside it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from ortools.graph.python import min_cost_flow
from tqdm import tqdm

from marketplace.models import HelpRequest, Offer, User, Visit
from matching.search import constraints_sql, week_sql

LAPSE_PENALTY_M = 1000
BATCH = 250  # visits per query
WORKERS = 2  # connections fetching candidates at once, outside a transaction

_LOCAL = "AT TIME ZONE 'Europe/Brussels'"
_WEEK_START = f"(date_trunc('week', v.starts_at {_LOCAL}) {_LOCAL})"
ARCS_SQL = f"""
    SELECT v.id, c.user_id, c.distance, c.free_seconds, c.lapses
    FROM marketplace_visit v
    JOIN marketplace_helprequest r ON r.id = v.request_id
    JOIN marketplace_place p ON p.id = r.place_id
    CROSS JOIN LATERAL (
        SELECT marketplace_visit_week_span(v.starts_at, v.ends_at) AS span OFFSET 0) need
    CROSS JOIN LATERAL (
        SELECT h.user_id, ST_Distance(h.location, p.location) AS distance,
               h.weekly_capacity_hours * 3600 - week.seconds AS free_seconds,
               (SELECT COUNT(*) FROM marketplace_lapse l
                 WHERE l.helpper_id = h.user_id AND l.at >= %(since)s) AS lapses
        FROM marketplace_helpperprofile h
        JOIN marketplace_user u ON u.id = h.user_id
        {week_sql(week_start=_WEEK_START, week_end=f"{_WEEK_START} + interval '7 days'")}
        WHERE {
    constraints_sql(
        helppie="r.helppie_id",
        point="p.location",
        max_distance="r.max_distance_m",
        category="%(category)s",
        languages="r.languages",
        car_needed="r.car_needed",
        week_span="need.span",
        starts_at="v.starts_at",
        ends_at="v.ends_at",
        duration="EXTRACT(EPOCH FROM v.ends_at - v.starts_at)",
    )
}
        ORDER BY h.location <-> p.location
        LIMIT %(per_visit)s
    ) c
    WHERE v.id = ANY(%(visits)s::bigint[]) AND r.category = %(category)s
"""


@dataclass(frozen=True)
class OpenVisit:
    id: int
    request_id: int
    starts_at: datetime
    ends_at: datetime
    posted: datetime

    @property
    def seconds(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds()

    @property
    def block(self) -> tuple[date, int]:
        local = timezone.localtime(self.starts_at)
        return local.date(), 0 if local.hour < 12 else 1 if local.hour < 17 else 2


@dataclass(frozen=True)
class Arc:
    visit_id: int
    helpper_id: int
    distance_m: float
    free_seconds: float
    lapses: int

    @property
    def cost(self) -> int:
        return round(self.distance_m) + LAPSE_PENALTY_M * min(self.lapses, 3)


@dataclass
class Plan:
    week_start: date
    assignments: dict[int, int] = field(default_factory=dict)  # visit → helpper
    distances: dict[int, float] = field(default_factory=dict)  # visit → metres
    stats: dict = field(default_factory=dict)


def open_visits(week_start: date) -> list[OpenVisit]:
    start = timezone.make_aware(datetime.combine(week_start, datetime.min.time()))
    rows = (
        Visit.objects.filter(
            status=Visit.Status.OPEN,
            starts_at__gte=max(start, timezone.now()),
            starts_at__lt=start + timedelta(days=7),
        )
        .exclude(request__status=HelpRequest.Status.CANCELLED)
        .values_list("id", "request_id", "starts_at", "ends_at", "request__created_at")
    )
    return [OpenVisit(*row) for row in rows]


def _batches(ids: list[int]) -> list[tuple[str, list[int]]]:
    """The visits in batches of one category, each in geohash order of the places.

    With the category a constant, each query walks that category's own index (half the rows);
    neighbouring visits in a batch read the same helppers' pages, already in the cache.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT r.category, v.id FROM marketplace_visit v
            JOIN marketplace_helprequest r ON r.id = v.request_id
            JOIN marketplace_place p ON p.id = r.place_id
            WHERE v.id = ANY(%(ids)s::bigint[])
            ORDER BY r.category, ST_GeoHash(p.location::geometry, 7), v.id
            """,
            {"ids": ids},
        )
        by_category: dict[str, list[int]] = defaultdict(list)
        for category, visit_id in cursor.fetchall():
            by_category[category].append(visit_id)
    return [
        (category, chunk[start : start + BATCH])
        for category, chunk in by_category.items()
        for start in range(0, len(chunk), BATCH)
    ]


def _arcs_for(category: str, ids: list[int], *, per_visit: int, since: datetime) -> list[Arc]:
    with connection.cursor() as cursor:
        cursor.execute(
            ARCS_SQL,
            {"category": category, "visits": ids, "per_visit": per_visit, "since": since},
        )
        return [
            Arc(visit, helpper, float(distance), float(free), lapses)
            for visit, helpper, distance, free, lapses in cursor.fetchall()
        ]


def _arcs_on_own_connection(
    category: str, ids: list[int], *, per_visit: int, since: datetime
) -> list[Arc]:
    """For a worker thread: Django gives each thread its own connection; close it when done."""
    try:
        return _arcs_for(category, ids, per_visit=per_visit, since=since)
    finally:
        connection.close()


def candidate_arcs(visits: list[OpenVisit], *, per_visit: int, show_progress: bool) -> list[Arc]:
    """Who can do each visit, in batches of set-based queries, with a progress bar.

    Outside a transaction the batches run on WORKERS connections at once (the database does
    the work, so threads suffice). Inside one (a test, or a caller's atomic block) other
    connections could not see its rows, so the batches run in turn on this connection.
    """
    since = timezone.now() - timedelta(days=182)
    batches = _batches([v.id for v in visits]) if visits else []
    arcs: list[Arc] = []
    with tqdm(total=len(visits), desc="candidates", unit="visit", disable=not show_progress) as bar:
        if connection.in_atomic_block or len(batches) < 2:
            for category, ids in batches:
                arcs.extend(_arcs_for(category, ids, per_visit=per_visit, since=since))
                bar.update(len(ids))
        else:
            with ThreadPoolExecutor(max_workers=WORKERS) as pool:
                futures = {
                    pool.submit(
                        _arcs_on_own_connection, category, ids, per_visit=per_visit, since=since
                    ): ids
                    for category, ids in batches
                }
                for future in as_completed(futures):
                    arcs.extend(future.result())
                    bar.update(len(futures[future]))
    # The same order whatever finished first, so ties are broken the same way every time.
    arcs.sort(key=lambda arc: (arc.visit_id, arc.distance_m, arc.helpper_id))
    return arcs


def solve_flow(visits: list[OpenVisit], arcs: list[Arc]) -> dict[int, int]:
    """Max flow with min cost: as many visits as possible, then the fewest metres."""
    by_id = {v.id: v for v in visits}
    flow = min_cost_flow.SimpleMinCostFlow()
    nodes: dict[object, int] = {}

    def node(key) -> int:
        return nodes.setdefault(key, len(nodes))

    source, sink = node("source"), node("sink")
    helpper_seconds: dict[int, float] = {}
    shortest: dict[int, float] = defaultdict(lambda: float("inf"))
    for arc in arcs:
        helpper_seconds[arc.helpper_id] = arc.free_seconds
        shortest[arc.helpper_id] = min(shortest[arc.helpper_id], by_id[arc.visit_id].seconds)
    for visit in visits:
        flow.add_arc_with_capacity_and_unit_cost(source, node(("v", visit.id)), 1, 0)
    blocks = set()
    arc_index: dict[int, tuple[int, int]] = {}
    for arc in arcs:
        block = ("b", arc.helpper_id, *by_id[arc.visit_id].block)
        if block not in blocks:
            blocks.add(block)
            flow.add_arc_with_capacity_and_unit_cost(node(block), node(("h", arc.helpper_id)), 1, 0)
        i = flow.add_arc_with_capacity_and_unit_cost(
            node(("v", arc.visit_id)), node(block), 1, arc.cost
        )
        arc_index[i] = (arc.visit_id, arc.helpper_id)
    for helpper_id, seconds in helpper_seconds.items():
        fits = int(seconds // shortest[helpper_id])
        flow.add_arc_with_capacity_and_unit_cost(node(("h", helpper_id)), sink, fits, 0)
    flow.set_node_supply(source, len(visits))
    flow.set_node_supply(sink, -len(visits))
    if not arcs or flow.solve_max_flow_with_min_cost() != flow.OPTIMAL:
        return {}
    return {pair[0]: pair[1] for i, pair in arc_index.items() if flow.flow(i) > 0}


def _fits(visit: OpenVisit, taken: list[OpenVisit], free_seconds: float) -> bool:
    used = sum(t.seconds for t in taken)
    overlaps = any(t.starts_at < visit.ends_at and visit.starts_at < t.ends_at for t in taken)
    return not overlaps and used + visit.seconds <= free_seconds


def repair(visits: list[OpenVisit], arcs: list[Arc], chosen: dict[int, int]) -> dict[int, int]:
    """Keep only what truly fits (hours, overlaps); re-offer the rest greedily."""
    by_id = {v.id: v for v in visits}
    arc_of = {(a.visit_id, a.helpper_id): a for a in arcs}
    taken: dict[int, list[OpenVisit]] = defaultdict(list)
    kept: dict[int, int] = {}
    # Cheapest first, so what gets dropped is the costliest.
    for visit_id, helpper_id in sorted(chosen.items(), key=lambda vh: arc_of[vh].cost):
        visit, arc = by_id[visit_id], arc_of[(visit_id, helpper_id)]
        if _fits(visit, taken[helpper_id], arc.free_seconds):
            taken[helpper_id].append(visit)
            kept[visit_id] = helpper_id
    left = [v for v in visits if v.id not in kept]
    return {**kept, **greedy(left, arcs, taken=taken)}


def greedy(
    visits: list[OpenVisit], arcs: list[Arc], *, taken: dict[int, list[OpenVisit]] | None = None
) -> dict[int, int]:
    """First come, first served: each visit, in posting order, takes its nearest free helpper."""
    taken = taken if taken is not None else defaultdict(list)
    options: dict[int, list[Arc]] = defaultdict(list)
    for arc in arcs:
        options[arc.visit_id].append(arc)
    chosen: dict[int, int] = {}
    for visit in sorted(visits, key=lambda v: (v.posted, v.id)):
        for arc in sorted(options[visit.id], key=lambda a: a.cost):
            if _fits(visit, taken[arc.helpper_id], arc.free_seconds):
                taken[arc.helpper_id].append(visit)
                chosen[visit.id] = arc.helpper_id
                break
    return chosen


def _km(chosen: dict[int, int], arcs: list[Arc]) -> float:
    distance = {(a.visit_id, a.helpper_id): a.distance_m for a in arcs}
    return round(sum(distance[vh] for vh in chosen.items()) / 1000, 1)


def plan_week(*, week_start: date, per_visit: int = 20, show_progress: bool = False) -> Plan:
    """The optimal plan for a week's open visits, with greedy's result on the same data."""
    began = time.perf_counter()
    visits = open_visits(week_start)
    arcs = candidate_arcs(visits, per_visit=per_visit, show_progress=show_progress)
    chosen = repair(visits, arcs, solve_flow(visits, arcs))
    seconds = time.perf_counter() - began
    baseline = greedy(visits, arcs)
    total = len(visits) or 1
    plan = Plan(week_start=week_start, assignments=chosen)
    plan.distances = {
        (a.visit_id): a.distance_m for a in arcs if chosen.get(a.visit_id) == a.helpper_id
    }
    plan.stats = {
        "visits": len(visits),
        "helppers": len({a.helpper_id for a in arcs}),
        "arcs": len(arcs),
        "seconds": round(seconds, 2),
        "served": len(chosen),
        "fill_rate": round(len(chosen) / total, 4),
        "km": _km(chosen, arcs),
        "mean_km": round(_km(chosen, arcs) / max(len(chosen), 1), 2),
        "greedy_served": len(baseline),
        "greedy_fill_rate": round(len(baseline) / total, 4),
        "greedy_km": _km(baseline, arcs),
        "greedy_mean_km": round(_km(baseline, arcs) / max(len(baseline), 1), 2),
    }
    return plan


def plan_apply(*, assignments: dict[int, int], by: User) -> int:
    """Put a plan into effect; visits taken meanwhile are left alone. Returns how many applied.

    A request still looking for a helpper gets the planned helpper as its accepted helpper (so
    a weekly series keeps them); a lone visit of a matched series is simply planned.
    """
    applied = 0
    for visit_id, helpper_id in assignments.items():
        with transaction.atomic():
            # Request first, then visit: the lock order every writer follows.
            request_id = Visit.objects.values_list("request_id", flat=True).get(pk=visit_id)
            request = HelpRequest.objects.select_for_update().get(pk=request_id)
            visit = Visit.objects.select_for_update().get(pk=visit_id)
            if visit.status != Visit.Status.OPEN:
                continue
            if request.status == HelpRequest.Status.OPEN:
                from matching.services import offer_choose

                offer, _ = Offer.objects.get_or_create(request=request, helpper_id=helpper_id)
                try:
                    offer_choose(offer=offer, by=by)
                except ValidationError:  # past the earnings cap since the plan was made
                    continue
            else:
                from payments_stub.services import ensure_below_cap

                try:
                    ensure_below_cap(User.objects.get(pk=helpper_id))
                except ValidationError:  # past the earnings cap since the plan was made
                    continue
                visit.helpper_id, visit.status = helpper_id, Visit.Status.PLANNED
                visit.save(update_fields=["helpper", "status"])
            applied += 1
    return applied


def parse_week(text: str) -> date:
    """ "2026-W49" → the Monday of that ISO week."""
    try:
        year, week = text.upper().split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise ValueError(f"not an ISO week like 2026-W49: {text!r}") from None
