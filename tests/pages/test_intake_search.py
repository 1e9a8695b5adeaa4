"""Claire takes a call: is this someone we already know? She finds them, or registers a new
person, and never twice by mistake."""

import re

import pytest
from django.urls import reverse

from marketplace import selectors, services
from marketplace.models import User
from tests import factories
from tests.conftest import JEANNE_PHONE
from tests.pages.conftest import page

GEORGETTE = {
    "first_name": "Georgette",
    "last_name": "Lambert",
    "phone": "+32 81 22 33 44",
    "preferred_language": "fr",
    "street": "Rue de Fer 3",
    "postcode": "5000",
    "agreed": "on",
}


@pytest.fixture
def georgette(claire):
    """Registered by phone last week, in Namur."""
    fields = {key: value for key, value in GEORGETTE.items() if key != "agreed"}
    return services.helppie_register_by_phone(by=claire, agreed=True, **fields)


def is_ticked(html: str, name: str) -> bool:
    return re.search(rf'<input type="checkbox" name="{name}"[^>]* checked', html) is not None


def found_block(html: str) -> str:
    return html.split('id="find-title"')[1].split("</section>")[0]


@pytest.mark.parametrize(
    "typed", ["081/22.33.44", "0032 81 22 33 44", "+32 (0)81 223344", "081 22 33", "3344"]
)
def test_it_finds_a_person_by_phone_whatever_the_formatting(typed, georgette, claire, login):
    html = found_block(page(login(claire).get(reverse("intake"), {"q": typed})))
    assert "Georgette L." in html
    assert f"{reverse('request_create')}?for={georgette.pk}" in html


def test_it_shows_only_the_first_name_initial_area_and_phone_end(georgette, claire, login):
    html = found_block(page(login(claire).get(reverse("intake"), {"q": "081223344"})))
    assert "Georgette L." in html and "5000 Namur" in html and "3344" in html
    assert "Lambert" not in html and "22 33 44" not in html and "Rue de Fer" not in html


def test_it_finds_a_person_by_name_ignoring_case_and_accents(claire, login):
    helene = factories.UserFactory(first_name="Hélène", last_name="Dubois", is_helppie=True)
    factories.place_at(helene, "1050")
    for typed in ("helene", "DUBOIS", "hél dub", "dubois 1050"):
        assert [p.pk for p in selectors.helppies_found(query=typed)] == [helene.pk], typed
    html = found_block(page(login(claire).get(reverse("intake"), {"q": "Helene"})))
    assert "Hélène D." in html and "1050 Ixelles" in html


def test_it_finds_people_by_postcode(georgette, jeanne, claire, login):
    html = found_block(page(login(claire).get(reverse("intake"), {"q": "1050"})))
    assert "Jeanne D." in html and "Georgette" not in html


def test_it_says_when_nobody_is_found(georgette, claire, login):
    html = found_block(page(login(claire).get(reverse("intake"), {"q": "Zébulon"})))
    assert "Georgette" not in html
    assert "person-found" not in html


def test_helppers_and_staff_are_not_found_as_helppies(pieter, claire):
    assert selectors.helppies_found(query="Pieter") == []
    assert selectors.helppies_found(query="Claire") == []


def test_the_search_costs_one_query(georgette, jeanne, claire, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.helppies_found(query="0470 12")
    with django_assert_num_queries(1):
        selectors.helppies_found(query="jeanne 1050")


# --- no duplicate by mistake --------------------------------------------------------------------


def test_the_same_phone_otherwise_written_stops_the_registration_and_keeps_what_was_typed(
    georgette, claire, login
):
    typed = {**GEORGETTE, "first_name": "Georgina", "phone": "081.22.33.44"}
    response = login(claire).post(reverse("intake"), typed)

    html = page(response)
    assert User.objects.filter(channel=User.Channel.PHONE).count() == 1
    assert 'id="look-alikes"' in html and "Georgette L." in html
    assert f"{reverse('request_create')}?for={georgette.pk}" in html
    assert 'name="someone_else"' in html
    for name, value in typed.items():
        if name not in ("agreed", "preferred_language"):
            assert f'name="{name}" value="{value}"' in html, name
    assert is_ticked(html, "agreed")


def test_the_same_name_at_the_same_postcode_stops_the_registration(georgette, claire, login):
    typed = {**GEORGETTE, "first_name": "GEORGETTE", "phone": "0499 00 00 00"}
    html = page(login(claire).post(reverse("intake"), typed))
    assert 'id="look-alikes"' in html
    assert User.objects.filter(first_name__iexact="georgette").count() == 1


def test_after_confirming_it_is_someone_else_the_person_is_registered(georgette, claire, login):
    typed = {**GEORGETTE, "first_name": "Georgina", "phone": "081.22.33.44"}
    browser = login(claire)
    browser.post(reverse("intake"), typed)

    response = browser.post(reverse("intake"), {**typed, "someone_else": "on"})

    georgina = User.objects.get(first_name="Georgina")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('request_create')}?for={georgina.pk}"
    assert georgina.phone == "081.22.33.44" and georgina.registered_by == claire


def test_a_confirmed_look_alike_stays_confirmed_when_another_field_is_wrong(
    georgette, claire, login
):
    typed = {**GEORGETTE, "phone": "081 22 33 44", "agreed": "", "someone_else": "on"}
    html = page(login(claire).post(reverse("intake"), typed))
    assert 'id="look-alikes"' in html
    assert is_ticked(html, "someone_else")
    assert User.objects.filter(first_name="Georgette").count() == 1


def test_a_new_person_unlike_anyone_is_registered_at_once(jeanne, claire, login):
    response = login(claire).post(reverse("intake"), GEORGETTE)
    assert response.status_code == 302
    assert User.objects.filter(first_name="Georgette").exists()


def test_jeannes_web_account_is_found_by_her_phone_too(jeanne, claire):
    typed = JEANNE_PHONE.replace("+32 ", "0").replace(" ", ".")
    alike = selectors.helppies_alike(
        first_name="Someone", last_name="Else", phone=typed, postcode="4000"
    )
    assert [person.pk for person in alike] == [jeanne.pk]
