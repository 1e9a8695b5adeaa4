import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from marketplace import geo


@given(lat=st.floats(49.5, 51.5), lon=st.floats(2.5, 6.4))
def test_a_blurred_point_stays_within_about_400_metres(lat, lon):
    from geopy.distance import geodesic

    blurred = geo.blurred(geo.point(lat, lon))
    assert geodesic((lat, lon), (blurred.y, blurred.x)).m < 400


def test_points_in_one_cell_blur_to_the_same_point():
    centre = geo.blurred(geo.point(50.84, 4.35))
    a = geo.blurred(geo.point(centre.y + 0.001, centre.x - 0.002))
    b = geo.blurred(geo.point(centre.y - 0.001, centre.x + 0.002))
    assert (a.x, a.y) == (b.x, b.y) == (centre.x, centre.y)


@pytest.mark.parametrize(
    "metres, en, fr",
    [
        (300, "less than 1 km", "moins d'1 km"),
        (1490, "about 1.5 km", "environ 1,5 km"),
        (2100, "about 2 km", "environ 2 km"),
        (12_400, "about 12 km", "environ 12 km"),
    ],
)
def test_distances_are_rounded_in_the_readers_language(metres, en, fr):
    with translation.override("en"):
        assert geo.about_distance(metres) == en
    with translation.override("fr"):
        assert geo.about_distance(metres) == fr
