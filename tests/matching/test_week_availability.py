"""The weekly availability copied onto the helpper's row (a database trigger) answers exactly as
the availability slots themselves, whoever writes the slots and however."""

import threading
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from marketplace.choices import Category
from marketplace.models import AvailabilitySlot, Visit
from matching import assignment, services
from tests import factories


def ids(request):
    return [c.helpper_id for c in services.candidates_for(request=request)]


def weekday_of(request) -> int:
    return timezone.localtime(request.visits.get().starts_at).weekday()


def slots_of(helpper, *ranges: tuple[int, time, time]) -> None:
    AvailabilitySlot.objects.filter(profile__user=helpper).delete()
    AvailabilitySlot.objects.bulk_create(
        AvailabilitySlot(profile=helpper.helpper_profile, weekday=day, start=start, end=end)
        for day, start, end in ranges
    )


def copy_of(helpper) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT week_availability::text FROM marketplace_helpperprofile WHERE user_id = %s",
            [helpper.pk],
        )
        return cursor.fetchone()[0]


def test_back_to_back_slots_do_not_add_up_to_one(shopping, pieter):
    day = weekday_of(shopping)  # the visit is from 10:00 to 11:00
    slots_of(pieter, (day, time(8), time(10, 30)), (day, time(10, 30), time(12)))
    assert ids(shopping) == []
    slots_of(pieter, (day, time(8), time(10, 30)), (day, time(9, 45), time(11)))
    assert ids(shopping) == [pieter.pk]


def test_the_slot_must_be_on_the_visits_day_and_cover_it_whole(shopping, pieter):
    day = weekday_of(shopping)
    slots_of(pieter, ((day + 1) % 7, time(8), time(12)))
    assert ids(shopping) == []
    slots_of(pieter, (day, time(10, 1), time(12)))
    assert ids(shopping) == []
    slots_of(pieter, (day, time(8), time(10, 59)))
    assert ids(shopping) == []
    slots_of(pieter, (day, time(10), time(11)))
    assert ids(shopping) == [pieter.pk]


def test_every_kind_of_write_to_the_slots_is_followed(shopping, pieter):
    day = weekday_of(shopping)
    AvailabilitySlot.objects.filter(profile__user=pieter).delete()
    assert ids(shopping) == [] and copy_of(pieter) == "{}"
    slot = AvailabilitySlot.objects.create(
        profile=pieter.helpper_profile, weekday=(day + 3) % 7, start=time(9), end=time(12)
    )
    assert ids(shopping) == []
    slot.weekday = day
    slot.save()
    assert ids(shopping) == [pieter.pk]
    AvailabilitySlot.objects.filter(pk=slot.pk).update(end=time(10, 30))
    assert ids(shopping) == []


def test_saving_the_profile_keeps_the_copy(shopping, pieter):
    profile = pieter.helpper_profile
    before = copy_of(pieter)
    profile.radius_m = 6000
    profile.save()
    assert copy_of(pieter) == before != "{}"
    assert ids(shopping) == [pieter.pk]


def test_a_visit_ending_at_midnight_needs_the_evening_to_the_end(shopping, pieter):
    visit = shopping.visits.get()
    local = timezone.localtime(visit.starts_at)
    starts = timezone.make_aware(datetime.combine(local.date(), time(22)))
    Visit.objects.filter(pk=visit.pk).update(starts_at=starts, ends_at=starts + timedelta(hours=2))
    day = local.weekday()
    slots_of(pieter, (day, time(20), time(23, 30)))
    assert ids(shopping) == []
    slots_of(pieter, (day, time(20), time.max))
    assert ids(shopping) == [pieter.pk]


def test_the_week_plan_follows_the_slots_too(shopping, pieter):
    week_start = timezone.localtime(shopping.visits.get().starts_at).date()
    week_start -= timedelta(days=week_start.weekday())
    day = weekday_of(shopping)
    slots_of(pieter, (day, time(14), time(18)))
    assert assignment.plan_week(week_start=week_start).assignments == {}
    slots_of(pieter, (day, time(9), time(12)))
    visit = shopping.visits.get()
    assert assignment.plan_week(week_start=week_start).assignments == {visit.pk: pieter.pk}


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_two_connections_find_the_same_plan(claire, monkeypatch):
    """Committed data, so the batches go to two connections; one visit per batch here."""
    from tests.matching.test_assignment import next_week_start, visit_on

    anna = factories.helpper(postcode="1050", first_name="Anna", by=claire)
    factories.helpper(postcode="1000", first_name="Bert", by=claire)
    jeanne = factories.UserFactory(is_helppie=True)
    visits = [
        visit_on(jeanne, "1050", day=day, category=category)
        for day, category in ((1, Category.SHOPPING), (2, Category.MEALS), (3, Category.ADMIN))
    ]
    monkeypatch.setattr(assignment, "BATCH", 1)
    threads = []
    real = assignment._arcs_on_own_connection

    def counted(*args, **kwargs):
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(assignment, "_arcs_on_own_connection", counted)
    plan = assignment.plan_week(week_start=next_week_start())
    assert len(threads) == 3 and threading.get_ident() not in threads
    assert plan.assignments == {visit.pk: anna.pk for visit in visits}  # the nearest, Ixelles
    assert plan.stats["arcs"] == 6 and plan.stats["helppers"] == 2  # both, for each visit
