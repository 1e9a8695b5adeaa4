"""Bad input gets a clear error in the person's language, and nothing is saved."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.models import HelpRequest, Place, Visit


def valid_form(**changes):
    starts = timezone.localdate() + timedelta(days=2)
    form = {
        "category": "shopping",
        "description": "Des courses",
        "street": "Rue Haute 5",
        "postcode": "1000",
        "recurrence": "once",
        "starts_on": starts.isoformat(),
        "start_time": "10:00",
        "duration_minutes": "60",
        "hourly_allowance": "8",
        "languages": ["fr"],
    }
    form.update(changes)
    return form


def weekly(**changes):
    starts = timezone.localdate() + timedelta(days=2)
    defaults = {
        "weekdays": [starts.weekday()],
        "ends_on": (starts + timedelta(weeks=4)).isoformat(),
    }
    return valid_form(recurrence="weekly", **{**defaults, **changes})


CASES = {
    "unknown postcode": (
        valid_form(postcode="9999"),
        "Nous ne connaissons pas le code postal « 9999 » en Belgique.",
    ),
    "allowance of 20 euro": (
        valid_form(hourly_allowance="20"),
        "Le défraiement horaire est compris entre 0 et 15 euros.",
    ),
    "end before the start": (
        weekly(ends_on=(timezone.localdate() - timedelta(days=30)).isoformat()),
        "La date de fin est avant la date de début.",
    ),
    "recurrence without days": (weekly(weekdays=[]), "Choisissez au moins un jour de la semaine."),
}


@pytest.mark.parametrize("form, error", CASES.values(), ids=CASES.keys())
def test_it_refuses_bad_input_in_french_and_saves_nothing(bob, login, form, error):
    browser = login(bob)
    before = (HelpRequest.objects.count(), Place.objects.count(), Visit.objects.count())

    response = browser.post(reverse("request_create"), form)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert (HelpRequest.objects.count(), Place.objects.count(), Visit.objects.count()) == before


def test_it_keeps_what_was_typed_when_refusing(bob, login):
    response = login(bob).post(
        reverse("request_create"), valid_form(postcode="9999", description="Mes courses")
    )
    assert "Mes courses" in response.content.decode()


def test_the_database_refuses_an_allowance_out_of_range_too(jeanne):
    from django.db import IntegrityError

    from tests import factories

    request = factories.help_request(helppie=jeanne)
    with pytest.raises(IntegrityError):
        HelpRequest.objects.filter(pk=request.pk).update(hourly_allowance_cents=2000)


def test_it_creates_one_visit_per_chosen_day_of_a_weekly_request(bob, login):
    login(bob).post(reverse("request_create"), weekly())
    request = HelpRequest.objects.get(helppie=bob)
    assert request.visits.count() == 5
    assert {
        v.starts_at.astimezone(timezone.get_current_timezone()).hour for v in request.visits.all()
    } == {10}
