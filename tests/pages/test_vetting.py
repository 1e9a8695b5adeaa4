"""Claire vets Nadia, a newcomer who would like to help in Ixelles: identity, interview, then
approval; only then is Nadia asked to help with Jeanne's shopping."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from marketplace import services
from marketplace.models import HelpperProfile
from matching import services as matching_services
from tests import factories
from tests.pages.conftest import page


@pytest.fixture
def nadia(db):
    return factories.helpper(
        postcode="1050",
        first_name="Nadia",
        last_name="Benali",
        email="nadia@example.org",
        languages=("fr",),
        vetted=False,
    )


def vet(browser, person, step: str):
    return browser.post(
        reverse("helpper_vet", args=[person.helpper_profile.pk]), {"step": step}, follow=True
    )


def candidate_ids(help_request) -> list[int]:
    return [c.helpper_id for c in matching_services.candidates_for(request=help_request)]


def profile_of(person) -> HelpperProfile:
    return HelpperProfile.objects.get(user=person)


def test_it_lists_a_helpper_waiting_with_what_is_already_checked(nadia, claire, login):
    profile = profile_of(nadia)
    profile.id_checked = True
    profile.save()

    html = page(login(claire).get(reverse("helppers_to_vet")))

    row = html.split(f'id="helpper-{profile.pk}"')[1].split("</form>")[0]
    assert "Nadia Benali" in row and "1050 Ixelles" in row
    assert "Shopping" in row or "Courses" in row
    assert "French" in row or "Français" in row
    assert 'value="identity"' not in row  # already recorded
    assert 'value="interview"' in row and 'value="approve"' in row


def test_vetted_helppers_are_not_listed(pieter, claire, login):
    html = page(login(claire).get(reverse("helppers_to_vet")))
    assert f'id="helpper-{pieter.helpper_profile.pk}"' not in html


def test_approval_is_refused_before_both_checks_with_a_message_in_claires_language(
    nadia, claire, login
):
    claire.preferred_language = "nl"
    claire.save()
    browser = login(claire)

    html = page(vet(browser, nadia, "approve"))
    assert "identiteitscontrole" in html.lower() or "identity check" in html.lower()
    assert not profile_of(nadia).is_vetted

    vet(browser, nadia, "identity")
    page(vet(browser, nadia, "approve"))
    assert not profile_of(nadia).is_vetted
    assert profile_of(nadia).id_checked and not profile_of(nadia).interview_done


def test_the_refusal_says_what_is_missing(nadia, claire):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.helpper_vet(profile=profile_of(nadia), by=claire, step="approve")
    assert "identity check and the interview" in refused.value.messages[0]
    services.helpper_vet(profile=profile_of(nadia), by=claire, step="interview")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.helpper_vet(profile=profile_of(nadia), by=claire, step="approve")
    assert "record the identity check first" in refused.value.messages[0]


def test_after_identity_and_interview_approval_makes_nadia_vetted_and_a_candidate(
    nadia, jeanne, claire, login
):
    shopping = factories.help_request(helppie=jeanne)
    assert nadia.pk not in candidate_ids(shopping)
    browser = login(claire)

    vet(browser, nadia, "identity")
    vet(browser, nadia, "interview")
    response = vet(browser, nadia, "approve")

    profile = profile_of(nadia)
    assert profile.is_vetted and profile.approved_by == claire
    assert f'id="helpper-{profile.pk}"' not in page(response)
    assert nadia.pk in candidate_ids(shopping)


def test_approving_twice_changes_nothing(nadia, claire):
    profile = profile_of(nadia)
    for step in ("identity", "interview", "approve"):
        services.helpper_vet(profile=profile, by=claire, step=step)
    first = profile_of(nadia).approved_at
    services.helpper_vet(profile=profile, by=factories.UserFactory(is_staff=True), step="approve")
    assert profile_of(nadia).approved_at == first and profile_of(nadia).approved_by == claire


def test_an_unknown_step_changes_nothing(nadia, claire, login):
    page(vet(login(claire), nadia, "everything"))
    profile = profile_of(nadia)
    assert not (profile.id_checked or profile.interview_done or profile.is_vetted)


@pytest.mark.parametrize("who", ["bob", "pieter", "nadia"])
def test_it_is_a_404_for_anyone_signed_in_but_staff(who, request, nadia, login):
    browser = login(request.getfixturevalue(who))
    assert browser.get(reverse("helppers_to_vet")).status_code == 404
    assert vet(browser, nadia, "identity").status_code == 404
    assert not profile_of(nadia).id_checked


def test_the_anonymous_visitor_is_sent_to_sign_in(nadia, client):
    response = client.get(reverse("helppers_to_vet"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.post(reverse("helpper_vet", args=[nadia.helpper_profile.pk]), {"step": "identity"})
    assert not profile_of(nadia).id_checked


def test_the_staff_home_links_to_the_vetting_page_not_the_admin(nadia, claire, login):
    html = page(login(claire).get(reverse("home")))
    assert f"{reverse('helppers_to_vet')}#helpper-{nadia.helpper_profile.pk}" in html
    assert "admin/marketplace/helpperprofile" not in html


def test_the_page_costs_the_same_for_one_or_many_waiting(
    nadia, claire, login, django_assert_max_num_queries
):
    for n in range(6):
        factories.helpper(postcode="1000", vetted=False, first_name=f"New{n}")
    browser = login(claire)
    with django_assert_max_num_queries(8):
        html = page(browser.get(reverse("helppers_to_vet")))
    assert html.count('name="step" value="approve"') == 7


def test_the_longest_waiting_comes_first(nadia, claire, login):
    earlier = factories.helpper(postcode="1000", vetted=False, first_name="Ahmed")
    earlier.date_joined = nadia.date_joined - timedelta(days=10)
    earlier.save()
    html = page(login(claire).get(reverse("helppers_to_vet")))
    assert html.index("Ahmed") < html.index("Nadia Benali")
