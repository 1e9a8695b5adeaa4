"""The social map's data: the shipped Belgian services, and HSDS 3 JSON out and back in.

The export is the HSDS API's paginated `/services` shape (`{"total_items", ..., "contents"}`),
each item a full HSDS service (organization, phones, schedules, service_areas, languages,
attributes for the taxonomy terms). French, Dutch and English texts ride along in an
`x_translations` member that plain HSDS consumers ignore; `name` and `description` are in the
export's language.
"""

from __future__ import annotations

import json
import uuid
from datetime import time
from functools import cache
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import transaction
from django.utils import timezone

from referrals.models import (
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceKind,
    in_language,
)

DATA = Path(__file__).resolve().parent / "data"
NAMESPACE = uuid.UUID("7f8a52c6-1d0b-4c55-9a0a-3f4a0c2f7b11")
TAXONOMY = "neighbourhelp-service-kinds"
AREA_NAMES = {
    "belgium": "Belgium",
    "flanders": "Flanders",
    "wallonia": "Wallonia",
    "brussels": "Brussels",
}


def stable_id(*parts: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(parts))


@cache
def outlines() -> dict[str, MultiPolygon]:
    """Belgium and its regions (built by tools/build_regions.py)."""
    collection = json.loads((DATA / "regions.geojson").read_text())
    found = {}
    for feature in collection["features"]:
        geometry = GEOSGeometry(json.dumps(feature["geometry"]), srid=4326)
        found[feature["properties"]["code"]] = (
            geometry if isinstance(geometry, MultiPolygon) else MultiPolygon(geometry, srid=4326)
        )
    return found


@transaction.atomic
def load_shipped() -> int:
    """Create or refresh the shipped services (idempotent: stable ids from their slugs)."""
    entries = json.loads((DATA / "social_map.json").read_text())["services"]
    for entry in entries:
        _load_one(entry)
    return len(entries)


def _load_one(entry: dict) -> Service:
    slug = entry["slug"]
    organization, _ = Organization.objects.update_or_create(
        id=stable_id("organization", slug),
        defaults={"name": entry["organization"], "website": entry.get("url", "")},
    )
    service, created = Service.objects.update_or_create(
        id=stable_id("service", slug),
        defaults={
            "organization": organization,
            "name": entry["name"],
            "description": entry["description"],
            "url": entry.get("url", ""),
            "email": entry.get("email", ""),
            "kinds": entry["kinds"],
            "languages": entry["languages"],
            "requires": entry.get("requires", []),
            "minimum_age": entry.get("minimum_age"),
            "maximum_age": entry.get("maximum_age"),
            "priority": entry.get("priority", 0),
        },
    )
    if created and entry.get("checked"):
        service.assured_date = timezone.localdate()
        service.save(update_fields=["assured_date"])
    service.phones.all().delete()
    Phone.objects.bulk_create(
        Phone(id=stable_id("phone", slug, number), service=service, number=number)
        for number in entry.get("phones", [])
    )
    service.schedules.all().delete()
    if entry.get("hours") == "24/7":
        Schedule.objects.create(
            id=stable_id("schedule", slug),
            service=service,
            opens_at=time(0),
            closes_at=time(23, 59),
            description={
                "fr": "24 h sur 24, 7 jours sur 7",
                "nl": "24 uur op 24, 7 dagen op 7",
                "en": "24/7",
            },
        )
    elif entry.get("hours") == "office":
        Schedule.objects.create(
            id=stable_id("schedule", slug),
            service=service,
            byday="MO,TU,WE,TH,FR",
            opens_at=time(9),
            closes_at=time(17),
            description={"fr": "En semaine", "nl": "Op weekdagen", "en": "Weekdays"},
        )
    service.service_areas.all().delete()
    for code in entry["areas"]:
        ServiceArea.objects.create(
            id=stable_id("area", slug, code),
            service=service,
            name=AREA_NAMES[code],
            extent=outlines()[code],
        )
    return service


# --- HSDS export -------------------------------------------------------------------------


def _hsds_service(service: Service, language: str) -> dict:
    sid = str(service.id)
    return {
        "id": sid,
        "organization_id": str(service.organization_id),
        "name": in_language(service.name, language),
        "description": in_language(service.description, language),
        "url": service.url or None,
        "email": service.email or None,
        "status": service.status,
        "eligibility_description": in_language(service.eligibility_description, language) or None,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "assured_date": service.assured_date.isoformat() if service.assured_date else None,
        "assurer_email": service.assurer_email or None,
        "last_modified": service.last_modified.isoformat(),
        "organization": {
            "id": str(service.organization_id),
            "name": in_language(service.organization.name, language),
            "description": in_language(service.organization.description, language)
            or in_language(service.organization.name, language),
            "website": service.organization.website or None,
        },
        "phones": [
            {"id": str(p.id), "service_id": sid, "number": p.number, "languages": []}
            for p in service.phones.all()
        ],
        "schedules": [
            {
                "id": str(s.id),
                "service_id": sid,
                "freq": "WEEKLY",
                "byday": s.byday,
                "opens_at": s.opens_at.strftime("%H:%M") if s.opens_at else None,
                "closes_at": s.closes_at.strftime("%H:%M") if s.closes_at else None,
                "timezone": 1,
                "description": in_language(s.description, language) or None,
                "x_translations": s.description or None,
            }
            for s in service.schedules.all()
        ],
        "service_areas": [
            {
                "id": str(a.id),
                "service_id": sid,
                "name": a.name,
                "extent": a.extent.geojson if a.extent else None,
                "extent_type": "geojson" if a.extent else None,
                "description": ", ".join(a.municipalities) or None,
            }
            for a in service.service_areas.all()
        ],
        "languages": [
            {
                "id": str(stable_id("language", sid, code)),
                "service_id": sid,
                "code": code,
                "name": code,
            }
            for code in service.languages
        ],
        "attributes": [
            {
                "id": str(stable_id("attribute", sid, kind)),
                "link_id": sid,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": str(stable_id("term", kind)),
                "value": kind,
                "taxonomy_term": {
                    "id": str(stable_id("term", kind)),
                    "code": kind,
                    "name": str(ServiceKind(kind).label),
                    "description": str(ServiceKind(kind).label),
                    "taxonomy": TAXONOMY,
                },
            }
            for kind in service.kinds
        ],
        "x_translations": {
            code: {
                "name": service.name.get(code, ""),
                "description": service.description.get(code, ""),
                "eligibility_description": service.eligibility_description.get(code, ""),
                "organization_name": service.organization.name.get(code, ""),
            }
            for code in ("fr", "nl", "en")
        },
        "x_requires": service.requires,
        "x_priority": service.priority,
    }


def _without_nulls(value):
    """HSDS types are strict (a number is never null): absent beats null."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def hsds_service(service: Service, *, language: str) -> dict:
    """One service as an HSDS 3 service object, as the export writes it (no null fields)."""
    return _without_nulls(_hsds_service(service, language))


def export_hsds(*, language: str = "en") -> dict:
    services = (
        Service.objects.select_related("organization")
        .prefetch_related("phones", "schedules", "service_areas")
        .order_by("id")
    )
    contents = [hsds_service(service, language=language) for service in services]
    return {
        "total_items": len(contents),
        "total_pages": 1,
        "page_number": 1,
        "size": len(contents),
        "first_page": True,
        "last_page": True,
        "empty": not contents,
        "contents": contents,
    }


# --- HSDS import -------------------------------------------------------------------------


def _texts(item: dict, field: str, language: str, translations_key: str | None = None) -> dict:
    texts = {
        code: t.get(translations_key or field, "")
        for code, t in item.get("x_translations", {}).items()
    }
    texts = {code: text for code, text in texts.items() if text}
    return texts or ({language: item.get(field) or ""} if item.get(field) else {})


@transaction.atomic
def import_hsds(document: dict, *, language: str = "en") -> int:
    """Create or update services from an HSDS export (ours or another map's). Returns the count."""
    for item in document.get("contents", []):
        org = item.get("organization") or {"id": item.get("organization_id"), "name": item["name"]}
        organization, _ = Organization.objects.update_or_create(
            id=org["id"],
            defaults={
                "name": _texts(item, "name", language, "organization_name")
                or {language: org["name"]},
                "website": org.get("website") or "",
            },
        )
        kinds = [
            a["taxonomy_term"]["code"] for a in item.get("attributes", []) if a.get("taxonomy_term")
        ]
        service, _ = Service.objects.update_or_create(
            id=item["id"],
            defaults={
                "organization": organization,
                "name": _texts(item, "name", language),
                "description": _texts(item, "description", language),
                "eligibility_description": _texts(item, "eligibility_description", language),
                "url": item.get("url") or "",
                "email": item.get("email") or "",
                "status": item.get("status", "active"),
                "kinds": [k for k in kinds if k in ServiceKind.values],
                "languages": [
                    lang["code"] for lang in item.get("languages", []) if lang.get("code")
                ],
                "minimum_age": item.get("minimum_age"),
                "maximum_age": item.get("maximum_age"),
                "assured_date": item.get("assured_date"),
                "assurer_email": item.get("assurer_email") or "",
                "requires": item.get("x_requires", []),
                "priority": item.get("x_priority", 0),
            },
        )
        _import_children(service, item, language)
    return len(document.get("contents", []))


def _import_children(service: Service, item: dict, language: str) -> None:
    service.phones.all().delete()
    for phone in item.get("phones", []):
        Phone.objects.create(id=phone["id"], service=service, number=phone["number"])
    service.schedules.all().delete()
    for s in item.get("schedules", []):
        Schedule.objects.create(
            id=s["id"],
            service=service,
            byday=s.get("byday") or "MO,TU,WE,TH,FR,SA,SU",
            opens_at=s.get("opens_at"),
            closes_at=s.get("closes_at"),
            description=s.get("x_translations")
            or ({language: s["description"]} if s.get("description") else {}),
        )
    service.service_areas.all().delete()
    for area in item.get("service_areas", []):
        extent = None
        if area.get("extent") and area.get("extent_type") == "geojson":
            geometry = GEOSGeometry(area["extent"], srid=4326)
            extent = (
                geometry
                if isinstance(geometry, MultiPolygon)
                else MultiPolygon(geometry, srid=4326)
            )
        municipalities = [
            m.strip() for m in (area.get("description") or "").split(",") if m.strip().isdigit()
        ]
        if extent is None and not municipalities:
            continue
        ServiceArea.objects.create(
            id=area["id"],
            service=service,
            name=area.get("name") or "",
            extent=extent,
            municipalities=municipalities,
        )
