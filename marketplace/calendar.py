"""A helpper's visits as an iCalendar feed (RFC 5545) behind a private, revocable link.

Calendar apps fetch the feed without signing in, so the link's token is the only key: it is
long and random, and `feed_renew` replaces it, which makes every copy of the old link fail.
The feed tells no more than the helpper's own pages do: the municipality, and the exact
address and full name only once the helppie has chosen them (`selectors.shares_contact`).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marketplace import selectors
from marketplace.models import CalendarFeed, User, Visit

# Past visits stay in the feed a while (a helpper looks back to log hours), then drop out.
PAST_DAYS = 90


# --- the link -----------------------------------------------------------------------------------


def feed_of(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_renew(*, user: User) -> CalendarFeed:
    """Give this person a new private link; the previous one stops working at once."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        feed, _created = CalendarFeed.objects.update_or_create(
            user=user, defaults={"token": token, "created_at": timezone.now()}
        )
    return feed


def feed_url(feed: CalendarFeed) -> str:
    return settings.SITE_URL + reverse("calendar_feed", kwargs={"token": feed.token})


def user_for_token(token: str) -> User:
    """The owner of a live link; 404 for an unknown or revoked token."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    return feed.user


# --- the calendar -------------------------------------------------------------------------------


def _escape(text: str) -> str:
    """TEXT values escape backslashes, semicolons, commas and line breaks (RFC 5545 3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        limit = 75 if not out else 74
        if len(current) + len(encoded) > limit:
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _visits(user: User):
    since = timezone.now() - timedelta(days=PAST_DAYS)
    return (
        Visit.objects.filter(
            helpper=user,
            status__in=[Visit.Status.PLANNED, Visit.Status.DONE],
            starts_at__gte=since,
        )
        .select_related("request__place", "request__helppie")
        .order_by("starts_at")
    )


def _event(visit: Visit, *, shared: bool, host: str, stamp: str) -> list[str]:
    help_request = visit.request
    place = selectors.place_view(request=help_request, shared=shared)
    person = help_request.helppie.full_name if shared else help_request.helppie.short_name
    summary = _("%(category)s with %(person)s") % {
        "category": help_request.get_category_display(),
        "person": person,
    }
    link = settings.SITE_URL + reverse("request_detail", args=[help_request.pk])
    return [
        "BEGIN:VEVENT",
        f"UID:visit-{visit.pk}@{host}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{_utc(visit.starts_at)}",
        f"DTEND:{_utc(visit.ends_at)}",
        f"SUMMARY:{_escape(summary)}",
        f"LOCATION:{_escape(place.address if shared and place.address else place.area)}",
        f"DESCRIPTION:{_escape(link)}",
        f"URL:{link}",
        "STATUS:CONFIRMED",
        "END:VEVENT",
    ]


def visits_ical(*, user: User) -> str:
    """The helpper's planned and recent visits, in their own language, times in UTC."""
    host = urlsplit(settings.SITE_URL).hostname or "neighbourhelp"
    stamp = _utc(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{host}//Neighbourhelp visits//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    with translation.override(user.preferred_language):
        lines.append(f"X-WR-CALNAME:{_escape(_('My visits (Neighbourhelp)'))}")
        shared_by_request: dict[int, bool] = {}
        for visit in _visits(user):
            if visit.request_id not in shared_by_request:
                shared_by_request[visit.request_id] = selectors.shares_contact(
                    request=visit.request, user=user
                )
            shared = shared_by_request[visit.request_id]
            lines += _event(visit, shared=shared, host=host, stamp=stamp)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
