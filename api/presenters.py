"""Dicts for the serializers, built from what the selectors decide a reader may see.

Nothing here decides access: `shares_contact` and `place_view` (marketplace.selectors) say
what is private; these functions only lay it out.
"""

from __future__ import annotations

import dataclasses

from django.utils.translation import get_language

from api.serializers import LOCAL_TIME_FORMAT
from marketplace import selectors
from marketplace.models import HelpRequest, User, Visit
from referrals.models import in_language


def person(user: User, *, shared: bool) -> dict:
    """Full name and contact once both sides agreed; "Jeanne D." and nothing else before."""
    return {
        "id": user.pk,
        "name": user.full_name if shared else user.short_name,
        "phone": (user.phone or None) if shared else None,
        "email": (user.email or None) if shared else None,
    }


def help_request(
    request: HelpRequest, *, shared: bool, distance_m: float | None = None, my_offer=None
) -> dict:
    place = selectors.place_view(request=request, shared=shared, distance_m=distance_m)
    return {
        "id": request.pk,
        "category": request.category,
        "category_label": request.get_category_display(),
        "description": request.description,
        "status": request.status,
        "status_label": request.get_status_display(),
        "recurrence": request.recurrence,
        "starts_on": request.starts_on,
        "start_time": request.start_time,
        "weekdays": request.weekdays,
        "ends_on": request.ends_on,
        "duration_minutes": request.duration_minutes,
        "hourly_allowance_cents": request.hourly_allowance_cents,
        "languages": request.languages,
        "car_needed": request.car_needed,
        "created_at": request.created_at,
        "place": dataclasses.asdict(place),
        "helppie": person(request.helppie, shared=shared),
        "my_offer": my_offer,
    }


def feed_item(card: selectors.NearbyRequest) -> dict:
    """A card of the helpper's feed exactly as FeedItemSerializer would show it, already in
    JSON's terms (dates in ISO, times as HH:MM, translated labels as text).

    The feed is the API's busiest list: running the serializer's fields over a page of twenty
    cards took seven times as long as writing out these plain values. Open requests have nobody
    accepted yet: `card.place` is already the blurred place and rounded distance, `helppie_name`
    the short name.
    """
    place = card.place
    return {
        "id": card.id,
        "category": card.category,
        "category_label": str(card.category_label),
        "description": card.description,
        "recurrence": card.recurrence,
        "starts_on": card.starts_on.isoformat(),
        "start_time": card.start_time.strftime(LOCAL_TIME_FORMAT),
        "duration_minutes": card.duration_minutes,
        "hourly_allowance_cents": card.hourly_allowance_cents,
        "languages": card.languages,
        "car_needed": card.car_needed,
        "place": {
            "area": place.area,
            "address": place.address,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "distance": place.distance,
        },
        "helppie_name": str(card.helppie_name),
        "my_offer": card.my_offer,
    }


def visit(item: Visit, *, shared: bool) -> dict:
    return {
        "id": item.pk,
        "request_id": item.request_id,
        "starts_at": item.starts_at,
        "ends_at": item.ends_at,
        "status": item.status,
        "done_at": item.done_at,
        "helpper": person(item.helpper, shared=shared) if item.helpper else None,
    }


def notice(found) -> dict | None:
    """What screening suggests to a writer (referrals.services.Notice), or None."""
    if found is None or not (found.crisis or found.has_suggestion):
        return None
    language = get_language()
    return {
        "tier": found.tier,
        "crisis": found.crisis,
        "services": [
            {
                "name": in_language(service.name, language),
                "url": service.url or None,
                "phones": [phone.number for phone in service.phones.all()],
            }
            for service in found.services
        ],
    }
