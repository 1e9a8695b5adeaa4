"""The three homes: each person sees what they need first, and nothing they should not."""

import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from marketplace import geo, services
from marketplace.models import User
from referrals.models import AccessLog, Case
from tests import factories
from tests.conftest import JEANNE_PHONE, JEANNE_STREET
from tests.pages.conftest import page
from tests.payments.conftest import log, visit_done


def map_points(html: str) -> list[dict]:
    found = re.search(r'<script id="near-map-points" type="application/json">(.*?)</script>', html)
    assert found, "the page has no map data"
    return json.loads(found.group(1))


# --- the helppie --------------------------------------------------------------------------------


def test_it_gives_the_helppie_a_big_ask_for_help_button(jeanne, login):
    html = page(login(jeanne).get(reverse("home")))
    assert f'class="button button-big" href="{reverse("request_create")}"' in html
    assert reverse("messages") in html and reverse("statements") in html


def test_it_shows_the_helppie_her_request_and_who_offered_without_their_phone(
    shopping, pieter, jeanne, login
):
    services.offer_make(request=shopping, helpper=pieter)
    html = page(login(jeanne).get(reverse("home")))
    assert reverse("request_detail", args=[shopping.pk]) in html
    assert "1 neighbour offered" in html or "1 voisin" in html
    # Not chosen yet: nobody's phone, and Pieter is not named as coming.
    assert pieter.phone not in html
    assert "Janssens" not in html


def test_it_names_who_is_coming_with_their_phone_once_chosen(pieter_chosen, pieter, jeanne, login):
    html = page(login(jeanne).get(reverse("home")))
    assert "Pieter Janssens" in html
    assert pieter.phone in html
    assert f'href="tel:{pieter.phone.replace(" ", "")}"' in html


def test_it_lists_hours_to_confirm_with_a_form_that_works_with_and_without_htmx(
    shopping, pieter, jeanne, login
):
    hours = log(visit_done(shopping, pieter))
    html = page(login(jeanne).get(reverse("home")))
    url = reverse("hours_review", args=[hours.pk])
    assert f'action="{url}"' in html and f'hx-post="{url}"' in html
    assert "vendor/htmx/htmx.min.js" in html


def test_the_helppie_home_has_no_staff_or_helpper_parts(jeanne, login):
    html = page(login(jeanne).get(reverse("home")))
    assert 'id="staff-title"' not in html
    assert 'id="near-title"' not in html
    assert "leaflet" not in html and "htmx.min.js" not in html


def test_a_stranger_does_not_see_jeannes_request(shopping, bob, login):
    html = page(login(bob).get(reverse("home")))
    assert reverse("request_detail", args=[shopping.pk]) not in html


# --- the helpper --------------------------------------------------------------------------------


def test_the_helpper_map_shows_only_the_blurred_place_of_a_request(shopping, pieter, login):
    html = page(login(pieter).get(reverse("home")))
    (point,) = map_points(html)
    exact = shopping.place.location
    blurred = geo.blurred(exact)
    assert (point["lat"], point["lng"]) == (blurred.y, blurred.x)
    assert (point["lat"], point["lng"]) != (exact.y, exact.x)
    assert f"{exact.y:.5f}" not in html and f"{exact.x:.5f}" not in html
    assert str(exact.y) not in html and str(exact.x) not in html
    assert JEANNE_STREET not in html and JEANNE_PHONE not in html
    assert point["url"] == reverse("request_detail", args=[shopping.pk])
    assert "Jeanne D." in html


def test_the_map_reads_its_tiles_from_the_settings(shopping, pieter, login, settings):
    settings.MAP_TILES_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    html = page(login(pieter).get(reverse("home")))
    assert 'data-tiles-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    # Hidden until the script shows it: without JavaScript the list is the page.
    assert re.search(r'<div id="near-map" class="map" hidden', html)
    assert "vendor/leaflet/leaflet.js" in html and "js/near-map.js" in html


def test_the_near_me_page_has_the_same_blurred_map(shopping, pieter, login):
    html = page(login(pieter).get(reverse("near_me")))
    (point,) = map_points(html)
    blurred = geo.blurred(shopping.place.location)
    assert (point["lat"], point["lng"]) == (blurred.y, blurred.x)


def test_the_helpper_sees_the_exact_address_of_a_visit_once_chosen(pieter_chosen, pieter, login):
    html = page(login(pieter).get(reverse("home")))
    assert JEANNE_STREET in html and JEANNE_PHONE in html and "Jeanne Dupont" in html
    # A request taken is no longer "near me": the map is gone with it.
    assert 'id="near-map-points"' not in html


def test_the_helpper_sees_invitations_hours_to_log_free_times_and_the_yearly_cap(
    shopping, pieter, claire, login
):
    invitation = factories.invitation(shopping, pieter)
    other = factories.help_request(helppie=factories.UserFactory(is_helppie=True))
    done = visit_done(other, pieter)

    html = page(login(pieter).get(reverse("home")))
    assert f'hx-post="{reverse("invitation_answer", args=[invitation.pk])}"' in html
    assert reverse("hours_log", args=[done.pk]) in html
    assert reverse("availability") in html
    assert '<progress max="100" value="0"' in html
    assert "7460,00" in html.replace("\u00a0", "").replace(".", "")  # € 7.460,00 in French


def test_an_unvetted_helpper_sees_no_requests_and_no_map(shopping, login):
    newcomer = factories.helpper(postcode="1050", vetted=False)
    html = page(login(newcomer).get(reverse("home")))
    assert reverse("request_detail", args=[shopping.pk]) not in html
    assert "near-map" not in html


def test_a_helpper_without_a_profile_is_asked_to_make_one(login):
    person = factories.UserFactory(is_helpper=True)
    html = page(login(person).get(reverse("home")))
    assert reverse("helpper_profile") in html and "near-map" not in html


# --- the staff ----------------------------------------------------------------------------------


def _case(person, tier: str) -> Case:
    return Case.objects.create(person=person, tier=tier, source="request", due_at=timezone.now())


def test_staff_see_requests_with_nobody_yet_helppers_to_vet_and_disputes(shopping, claire, login):
    newcomer = factories.helpper(postcode="1050", vetted=False, first_name="Nadia")
    html = page(login(claire).get(reverse("home")))
    assert reverse("request_matching", args=[shopping.pk]) in html
    assert f"{reverse('helppers_to_vet')}#helpper-{newcomer.helpper_profile.pk}" in html
    assert reverse("disputes") in html
    for name in ("intake", "week_planner", "social_map"):
        assert reverse(name) in html


def test_staff_without_the_referrals_permission_see_no_case_numbers(jeanne, claire, login):
    _case(jeanne, "crisis")
    html = page(login(claire).get(reverse("home")))
    assert reverse("case_queue") not in html
    assert "tier-crisis" not in html
    assert not AccessLog.objects.exists()


def test_staff_with_the_permission_see_case_counts_by_urgency_and_it_is_logged(
    jeanne, bob, claire, login
):
    claire.user_permissions.add(Permission.objects.get(codename="work_cases"))
    _case(jeanne, "crisis")
    _case(bob, "low")
    _case(bob, "low")
    html = page(login(claire).get(reverse("home")))
    assert reverse("case_queue") in html
    crisis = re.search(r'<tr class="tier-crisis">.*?<td>(\d+)</td>', html, re.S)
    low = re.search(r'<tr class="tier-low">.*?<td>(\d+)</td>', html, re.S)
    assert crisis.group(1) == "1" and low.group(1) == "2"
    assert html.index("tier-crisis") < html.index("tier-low")
    # Counts only: nobody's name comes with them.
    assert "Jeanne" not in html.split('id="staff-title"')[1].split("</section>")[0]
    assert AccessLog.objects.filter(user=claire, action="home_counts").count() == 1


def test_the_intake_lands_on_the_request_form_for_the_person_registered(claire, login):
    browser = login(claire)
    response = browser.post(
        reverse("intake"),
        {
            "first_name": "Maria",
            "last_name": "Peeters",
            "phone": "+32 2 555 77 88",
            "preferred_language": "nl",
            "street": "Kerkstraat 3",
            "postcode": "1000",
            "agreed": "on",
        },
    )
    maria = User.objects.get(first_name="Maria")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('request_create')}?for={maria.pk}"
    form = page(browser.get(response["Location"]))
    assert f'name="for" value="{maria.pk}"' in form


# --- cost ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["jeanne", "pieter", "claire"])
def test_each_home_costs_a_bounded_number_of_queries(
    who, request, shopping, pieter, login, django_assert_max_num_queries
):
    for _ in range(5):
        factories.help_request(helppie=factories.UserFactory(is_helppie=True))
    person = request.getfixturevalue(who)
    browser = login(person)
    with django_assert_max_num_queries(30):
        page(browser.get(reverse("home")))
