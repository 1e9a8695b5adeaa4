"""Reads of referrals: which services fit a person, and the staff's case queue."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db.models import Case as When_
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from referrals.models import TIER_LABELS, Case, Service, ServiceKind

PERMISSION = "referrals.work_cases"
TIER_ORDER = {"crisis": 0, "high": 1, "moderate": 2, "low": 3, "none": 4}


@dataclass(frozen=True)
class Person:
    """What orientation may know about someone: where, which language, which situation."""

    point: Point | None
    language: str
    age: int | None = None
    self_employed: bool = False
    refnis: str | None = None

    @property
    def situations(self) -> set[str]:
        return {"self_employed"} if self.self_employed else set()


def services_for(*, kinds: list[str], person: Person, limit: int = 3) -> list[Service]:
    """Active services of these kinds serving the person's place, in their language and
    situation, in the order of `kinds`, then the services' own priority."""
    if not kinds:
        return []
    services = Service.objects.filter(status=Service.Status.ACTIVE, kinds__overlap=kinds)
    if person.point is not None:
        serves = Q(service_areas__extent__intersects=person.point)
        if person.refnis:
            serves |= Q(service_areas__municipalities__contains=[person.refnis])
        services = services.filter(serves)
    found = []
    for service in services.prefetch_related("phones").distinct():
        if service.languages and person.language not in service.languages:
            continue
        if not set(service.requires) <= person.situations:
            continue
        if person.age is not None and (
            (service.minimum_age and person.age < service.minimum_age)
            or (service.maximum_age and person.age > service.maximum_age)
        ):
            continue
        found.append(service)
    rank = {kind: n for n, kind in enumerate(kinds)}
    found.sort(key=lambda s: (min(rank.get(k, 99) for k in s.kinds), -s.priority))
    return found[:limit]


def crisis_lines(person: Person) -> list[Service]:
    """The crisis numbers that serve this person: their language's line first, then 112."""
    return services_for(kinds=[ServiceKind.CRISIS_LINE], person=person, limit=4)


def may_work_cases(user) -> bool:
    return bool(user.is_authenticated and user.is_staff and user.has_perm(PERMISSION))


def case_queue() -> QuerySet[Case]:
    """Open cases, most urgent tier first, then the oldest."""
    tier = When_(
        *[When(tier=name, then=Value(order)) for name, order in TIER_ORDER.items()],
        output_field=IntegerField(),
    )
    return (
        Case.objects.filter(status__in=["requested", "accepted", "in_progress"])
        .annotate(tier_order=tier)
        .select_related("person", "assigned_to")
        .order_by("tier_order", "created_at")
    )


def case_for(*, user, pk: int) -> Case:
    """A case for staff holding the referrals permission; 404 for everyone else."""
    if not may_work_cases(user):
        raise Http404
    case = Case.objects.select_related("person", "assigned_to").filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def open_cases_by_tier() -> list[dict]:
    """Counts of open cases per tier, most urgent first, with how many are past their due time:
    numbers only, for the staff's home page (the cases themselves stay on the queue)."""
    rows = (
        Case.objects.filter(status__in=["requested", "accepted", "in_progress"])
        .values("tier")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=timezone.now())))
        .order_by()
    )
    rows = [{**row, "label": TIER_LABELS.get(row["tier"], row["tier"])} for row in rows]
    return sorted(rows, key=lambda row: TIER_ORDER.get(row["tier"], len(TIER_ORDER)))
