"""A helpper's weekly availability: the rules a set of time ranges must follow, and saving them.

The rules live here once: the availability page ties each problem to the field it concerns,
and any other entry point gets the same problems as a ValidationError.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.choices import Weekday
from marketplace.models import AvailabilitySlot, HelpperProfile, User
from marketplace.services import Slot

# How many ranges one day may hold: enough for a split day, few enough to read at a glance.
MAX_RANGES_PER_DAY = 4
SHORTEST_MINUTES = 30


@dataclass(frozen=True)
class Problem:
    """What is wrong with the range at `index` of the list, and which of its fields shows it."""

    index: int
    field: str
    message: str


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def problems(slots: list[Slot]) -> list[Problem]:
    """Every broken rule: a range ends after it starts, lasts 30 minutes, overlaps no other
    range of the same day, and a day holds at most MAX_RANGES_PER_DAY ranges."""
    found: list[Problem] = []
    kept: dict[int, list[tuple[int, Slot]]] = {}
    for index, slot in enumerate(slots):
        if slot.weekday not in Weekday.values:
            found.append(Problem(index, "weekday", _("Choose a day of the week.")))
            continue
        if slot.end <= slot.start:
            found.append(Problem(index, "end", _("The end must come after the start.")))
            continue
        if _minutes(slot.end) - _minutes(slot.start) < SHORTEST_MINUTES:
            found.append(Problem(index, "end", _("A time range lasts at least 30 minutes.")))
            continue
        same_day = kept.setdefault(slot.weekday, [])
        other = next((s for _i, s in same_day if slot.start < s.end and s.start < slot.end), None)
        if other is not None:
            found.append(
                Problem(
                    index,
                    "start",
                    _("This overlaps %(start)s–%(end)s on the same day.")
                    % {"start": f"{other.start:%H:%M}", "end": f"{other.end:%H:%M}"},
                )
            )
            continue
        if len(same_day) >= MAX_RANGES_PER_DAY:
            found.append(
                Problem(
                    index,
                    "start",
                    _("At most %(n)d time ranges per day.") % {"n": MAX_RANGES_PER_DAY},
                )
            )
            continue
        same_day.append((index, slot))
    return found


def availability_replace(*, user: User, slots: list[Slot]) -> list[AvailabilitySlot]:
    """Replace the helpper's weekly ranges with `slots`, all or nothing.

    Raises ValidationError (in the reader's language) when a rule is broken or the person has
    no helpper profile yet. The profile row is locked so two saves never interleave.
    """
    found = problems(slots)
    if found:
        raise ValidationError([problem.message for problem in found])
    with transaction.atomic():
        profile = HelpperProfile.objects.select_for_update().filter(user=user).first()
        if profile is None:
            raise ValidationError(_("Tell us where and when you can help first."))
        profile.availability.all().delete()
        created = AvailabilitySlot.objects.bulk_create(
            AvailabilitySlot(profile=profile, weekday=s.weekday, start=s.start, end=s.end)
            for s in sorted(slots, key=lambda s: (s.weekday, s.start))
        )
    return created


def availability_by_day(profile: HelpperProfile | None) -> list[tuple[int, str, list[Slot]]]:
    """The week from Monday, each day with its ranges in order (empty days included)."""
    ranges: dict[int, list[Slot]] = {day: [] for day in Weekday.values}
    if profile is not None:
        for row in profile.availability.all():
            ranges[row.weekday].append(Slot(row.weekday, row.start, row.end))
    return [(day, label, ranges[day]) for day, label in Weekday.choices]
