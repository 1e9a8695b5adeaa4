"""Points, distances and the blurring that keeps an address private."""

from __future__ import annotations

import math

from django.contrib.gis.geos import Point
from django.utils.formats import number_format
from django.utils.translation import gettext as _

# About 500 m north-south; east-west the step widens with latitude to stay about 500 m.
GRID_DEGREES_LAT = 0.0045


def point(latitude: float, longitude: float) -> Point:
    """A WGS 84 point from numbers (never from user-supplied WKT: see settings on gis.W001)."""
    return Point(float(longitude), float(latitude), srid=4326)


def blurred(location: Point) -> Point:
    """The centre of the ~500 m grid cell holding a point: near enough to judge, not to find."""
    return point(*blurred_degrees(location.y, location.x))


def blurred_degrees(latitude: float, longitude: float) -> tuple[float, float]:
    """`blurred` on plain numbers (latitude, longitude): lists read them from SQL as floats, so
    a page of cards builds no geometry."""
    lat = (math.floor(latitude / GRID_DEGREES_LAT) + 0.5) * GRID_DEGREES_LAT
    # The row's own latitude sets its column width, so every point of a cell agrees on it.
    lon_step = GRID_DEGREES_LAT / math.cos(math.radians(lat))
    lon = (math.floor(longitude / lon_step) + 0.5) * lon_step
    return round(lat, 5), round(lon, 5)


def about_distance(metres: float) -> str:
    """A rounded distance for people not yet agreed: "less than 1 km", "about 1.5 km"."""
    if metres < 1000:
        return _("less than 1 km")
    if metres >= 10_000:
        km, decimals = round(metres / 1000), 0
    else:
        km = round(metres / 500) / 2
        decimals = 0 if km == int(km) else 1
    return _("about %(km)s km") % {"km": number_format(km, decimals)}
