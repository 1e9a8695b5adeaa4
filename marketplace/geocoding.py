"""Turning a Belgian address into a municipality and a point.

The interface is geopy's (`geocode(query, exactly_one=True)` returning an object with
`address`, `latitude`, `longitude` and `raw`), so an online geopy geocoder can stand in for the
offline gazetteer by setting GEOCODER. The gazetteer stays the authority on postcodes either way:
an address whose postcode it does not know is refused before anything is geocoded.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Protocol

from django.conf import settings

log = logging.getLogger(__name__)

GAZETTEER_FILE = Path(__file__).resolve().parent / "data" / "gazetteer_be.json"
_POSTCODE = re.compile(r"\b(\d{4})\b")


@dataclass(frozen=True)
class Municipality:
    refnis: str
    name_fr: str
    name_nl: str
    region: str
    latitude: float
    longitude: float
    population: int

    def name(self, language: str | None = None) -> str:
        """The name in the reader's language; Dutch for Flemish places read in English."""
        if language == "fr" or (language != "nl" and self.region == "wallonia"):
            return self.name_fr
        if language == "nl" or self.region == "flanders":
            return self.name_nl
        return self.name_fr if self.name_fr == self.name_nl else f"{self.name_fr} / {self.name_nl}"


@dataclass(frozen=True)
class Location:
    """Shaped like geopy.location.Location."""

    address: str
    latitude: float
    longitude: float
    raw: dict = field(default_factory=dict)

    @property
    def point(self) -> tuple[float, float]:
        return (self.latitude, self.longitude)


class Geocoder(Protocol):
    def geocode(self, query: str, *, exactly_one: bool = True, language: str | None = None): ...


class Gazetteer:
    """Every Belgian postcode, its municipality (FR/NL names) and coordinates, offline."""

    def __init__(self, data: dict):
        self.attribution: str = data["attribution"]
        self.municipalities = {
            refnis: Municipality(
                refnis=refnis,
                name_fr=m["fr"],
                name_nl=m["nl"],
                region=m["region"],
                latitude=m["lat"],
                longitude=m["lon"],
                population=m["population"],
            )
            for refnis, m in data["municipalities"].items()
        }
        self.postcodes: dict[str, list[str]] = data["postcodes"]
        self._main_postcodes: dict[str, str] = {}
        for postcode, refnis_list in sorted(self.postcodes.items()):
            for refnis in refnis_list:
                self._main_postcodes.setdefault(refnis, postcode)

    def main_postcode(self, refnis: str) -> str:
        """A municipality's lowest postcode: that of its centre, as a rule."""
        return self._main_postcodes[refnis]

    def municipality_for_postcode(self, postcode: str) -> Municipality | None:
        """The municipality of a postcode (the first one, for the three shared postcodes)."""
        refnis = self.postcodes.get(postcode.strip())
        return self.municipalities[refnis[0]] if refnis else None

    def geocode(self, query: str, *, exactly_one: bool = True, language: str | None = None):
        """The municipality of the postcode found in the query, as a geopy-like Location."""
        found = []
        for postcode in _POSTCODE.findall(query):
            municipality = self.municipality_for_postcode(postcode)
            if municipality:
                found.append(
                    Location(
                        address=f"{postcode} {municipality.name(language)}, Belgium",
                        latitude=municipality.latitude,
                        longitude=municipality.longitude,
                        raw={"postcode": postcode, "refnis": municipality.refnis},
                    )
                )
        if exactly_one:
            return found[0] if found else None
        return found


@cache
def gazetteer() -> Gazetteer:
    return Gazetteer(json.loads(GAZETTEER_FILE.read_text()))


class GeopyGeocoder:
    """An online geopy geocoder, restricted to Belgium; failures fall back to the gazetteer."""

    def __init__(self, name: str):
        from geopy.geocoders import get_geocoder_for_service

        geocoder_class = get_geocoder_for_service(name)
        self._geocoder = geocoder_class(
            user_agent=settings.GEOCODER_USER_AGENT, timeout=settings.GEOCODER_TIMEOUT
        )

    def geocode(self, query: str, *, exactly_one: bool = True, language: str | None = None):
        from geopy.exc import GeopyError

        try:
            found = self._geocoder.geocode(query, exactly_one=exactly_one, country_codes="be")
        except GeopyError:
            log.warning("online geocoder failed; using the gazetteer", exc_info=True)
            found = None
        return found or gazetteer().geocode(query, exactly_one=exactly_one, language=language)


def get_geocoder() -> Geocoder:
    if settings.GEOCODER == "offline":
        return gazetteer()
    return GeopyGeocoder(settings.GEOCODER)
