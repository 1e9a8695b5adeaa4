"""The visits calendar: a private link that parses in any calendar app and can be revoked."""

from datetime import UTC, timedelta

import icalendar
from django.urls import reverse
from django.utils import timezone, translation

from marketplace import calendar
from marketplace.models import CalendarFeed, Visit
from tests import factories
from tests.conftest import JEANNE_STREET
from tests.pages.conftest import page


def feed_of(browser, user) -> str:
    browser.post(reverse("calendar_renew"))
    return CalendarFeed.objects.get(user=user).token


def events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(response.content)
    return list(parsed.walk("VEVENT"))


def test_a_helpper_gets_a_private_link_shown_on_their_home(pieter, login):
    browser = login(pieter)
    assert not CalendarFeed.objects.filter(user=pieter).exists()
    response = browser.post(reverse("calendar_renew"))
    assert response.status_code == 302
    token = CalendarFeed.objects.get(user=pieter).token
    assert len(token) >= 40
    html = page(browser.get(reverse("home")))
    assert reverse("calendar_feed", kwargs={"token": token}) in html


def test_the_feed_parses_and_holds_my_visits_only(pieter_chosen, pieter, marc, client, login):
    other = factories.help_request(helppie=factories.UserFactory(is_helppie=True))
    Visit.objects.filter(request=other).update(helpper=marc, status=Visit.Status.PLANNED)
    token = feed_of(login(pieter), pieter)

    (event,) = events(client.get(reverse("calendar_feed", kwargs={"token": token})))

    assert str(event["UID"]).startswith(f"visit-{pieter_chosen.pk}@")
    assert event["DTSTART"].dt == pieter_chosen.starts_at.astimezone(UTC)
    assert event["DTEND"].dt == pieter_chosen.ends_at.astimezone(UTC)
    assert event["DTSTART"].dt.tzinfo is not None and event.get("DTSTART").to_ical().endswith(b"Z")
    with translation.override(pieter.preferred_language):
        assert pieter_chosen.request.get_category_display() in str(event["SUMMARY"])
    # Pieter was chosen: the address is shared with him.
    assert JEANNE_STREET in str(event["LOCATION"])


def test_without_agreement_the_location_is_only_the_municipality(shopping, marc, client, login):
    # Marc was given one visit (as a backup would be) without Jeanne choosing him for the request.
    Visit.objects.filter(request=shopping).update(helpper=marc, status=Visit.Status.PLANNED)
    token = feed_of(login(marc), marc)
    response = client.get(reverse("calendar_feed", kwargs={"token": token}))
    (event,) = events(response)
    assert str(event["LOCATION"]) == "1050 Ixelles"
    assert JEANNE_STREET.encode() not in response.content
    assert b"Dupont" not in response.content and b"Jeanne D." in response.content


def test_old_visits_and_cancelled_ones_are_left_out(pieter_chosen, pieter, client, login):
    Visit.objects.filter(pk=pieter_chosen.pk).update(
        starts_at=timezone.now() - timedelta(days=calendar.PAST_DAYS + 5),
        ends_at=timezone.now() - timedelta(days=calendar.PAST_DAYS + 5) + timedelta(hours=1),
    )
    token = feed_of(login(pieter), pieter)
    assert events(client.get(reverse("calendar_feed", kwargs={"token": token}))) == []


def test_a_new_link_revokes_the_old_one(pieter_chosen, pieter, client, login):
    browser = login(pieter)
    old = feed_of(browser, pieter)
    new = feed_of(browser, pieter)
    assert old != new
    assert client.get(reverse("calendar_feed", kwargs={"token": old})).status_code == 404
    assert len(events(client.get(reverse("calendar_feed", kwargs={"token": new})))) == 1


def test_an_unknown_link_is_404(db, client):
    assert client.get(reverse("calendar_feed", kwargs={"token": "nope"})).status_code == 404


def test_only_helppers_make_a_calendar_link(jeanne, login):
    assert login(jeanne).post(reverse("calendar_renew")).status_code == 404


def test_long_lines_are_folded_and_text_escaped(pieter):
    folded = calendar._fold("SUMMARY:" + "é" * 60)
    assert all(len(line.encode()) <= 75 for line in folded.split("\r\n"))
    assert calendar._escape("a,b;c\nd") == "a\\,b\\;c\\nd"
