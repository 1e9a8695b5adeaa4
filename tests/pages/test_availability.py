"""The availability editor: free times day by day, with errors tied to the field they concern."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from marketplace import availability
from marketplace.models import AvailabilitySlot
from marketplace.services import Slot
from tests import factories
from tests.pages.conftest import page


def week_form(ranges: dict[int, list[tuple[str, str]]], *, initial: dict[int, int] | None = None):
    """The POST of the editor: `ranges` per weekday (0 = Monday), as the browser sends them."""
    data = {}
    for day in range(7):
        rows = ranges.get(day, [])
        data[f"day{day}-TOTAL_FORMS"] = str(len(rows))
        data[f"day{day}-INITIAL_FORMS"] = str((initial or {}).get(day, 0))
        data[f"day{day}-MIN_NUM_FORMS"] = "0"
        data[f"day{day}-MAX_NUM_FORMS"] = "8"
        for index, row in enumerate(rows):
            start, end, *remove = row
            data[f"day{day}-{index}-start"] = start
            data[f"day{day}-{index}-end"] = end
            if remove:
                data[f"day{day}-{index}-remove"] = "on"
    return data


def ranges_of(user) -> list[tuple[int, time, time]]:
    return list(
        AvailabilitySlot.objects.filter(profile__user=user).values_list("weekday", "start", "end")
    )


def test_it_shows_each_day_with_its_ranges_and_a_line_to_add_one(pieter, login):
    html = page(login(pieter).get(reverse("availability")))
    assert html.count("<legend>") >= 7
    assert 'name="day0-0-start" value="08:00"' in html
    assert 'name="day0-0-end" value="21:00"' in html
    assert 'name="day0-1-start"' in html  # the empty line that adds a range
    assert 'for="id_day0-0-start"' in html  # every field has its label


def test_it_saves_changed_added_and_removed_ranges(pieter, login):
    form = week_form(
        {
            0: [("09:00", "12:00"), ("14:00", "17:30")],
            1: [("08:00", "21:00", "remove")],
            2: [("08:00", "21:00"), ("", "")],
        },
        initial={0: 1, 1: 1, 2: 1},
    )
    response = login(pieter).post(reverse("availability"), form)
    assert response.status_code == 302
    assert ranges_of(pieter) == [
        (0, time(9), time(12)),
        (0, time(14), time(17, 30)),
        (2, time(8), time(21)),
    ]


def test_an_end_before_the_start_is_refused_in_french_under_the_end_field(sofie, login):
    """Sofie reads French (Pieter reads Dutch)."""
    before = ranges_of(sofie)
    form = week_form({0: [("14:00", "10:00")]})
    html = page(login(sofie).post(reverse("availability"), form))
    assert "L&#x27;heure de fin doit venir après l&#x27;heure de début." in html
    # The error is tied to the end field for screen readers, and listed in the summary.
    assert 'id="id_day0-0-end_error"' in html
    assert 'aria-describedby="id_day0-0-end_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'href="#id_day0-0-end"' in html
    assert ranges_of(sofie) == before


def test_an_impossible_time_is_refused_in_french(sofie, login):
    html = page(login(sofie).post(reverse("availability"), week_form({3: [("25:99", "12:00")]})))
    assert "Saisissez une heure valide." in html
    assert 'aria-describedby="id_day3-0-start_error"' in html


def test_overlapping_ranges_are_refused_on_the_start_of_the_second(pieter, login):
    before = ranges_of(pieter)
    form = week_form({4: [("09:00", "12:00"), ("11:00", "13:00")]})
    html = page(login(pieter).post(reverse("availability"), form))
    assert 'aria-describedby="id_day4-1-start_error"' in html
    assert "id_day4-0-start_error" not in html
    assert "09:00–12:00" in html
    assert ranges_of(pieter) == before


def test_a_start_without_an_end_asks_for_the_end(pieter, login):
    html = page(login(pieter).post(reverse("availability"), week_form({5: [("09:00", "")]})))
    assert 'aria-describedby="id_day5-0-end_error"' in html


def test_the_same_rules_hold_outside_the_page(pieter):
    with pytest.raises(ValidationError):
        availability.availability_replace(
            user=pieter,
            slots=[Slot(0, time(9), time(12)), Slot(0, time(11), time(13))],
        )
    assert availability.problems([Slot(0, time(9), time(9, 15))])[0].field == "end"


def test_someone_without_a_helpper_profile_is_sent_to_make_one(jeanne, login):
    response = login(jeanne).get(reverse("availability"))
    assert response.status_code == 302 and response["Location"] == reverse("helpper_profile")


def test_saving_the_profile_keeps_the_exact_free_times(pieter, login):
    browser = login(pieter)
    browser.post(reverse("availability"), week_form({0: [("09:30", "11:45")]}))
    response = browser.post(
        reverse("helpper_profile"),
        {
            "postcode": "1000",
            "radius_km": "5",
            "categories": ["shopping"],
            "languages": ["nl"],
            "weekly_capacity_hours": "4",
            "phone": pieter.phone,
        },
    )
    assert response.status_code == 302
    assert ranges_of(pieter) == [(0, time(9, 30), time(11, 45))]


def test_a_new_helpper_still_ticks_parts_of_the_day_on_the_profile(login):
    person = factories.UserFactory()
    login(person).post(
        reverse("helpper_profile"),
        {
            "postcode": "1050",
            "radius_km": "5",
            "categories": ["shopping"],
            "languages": ["fr"],
            "weekly_capacity_hours": "4",
            "day_2": ["morning"],
        },
    )
    assert ranges_of(person) == [(2, time(8), time(12))]
