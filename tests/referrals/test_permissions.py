"""Only staff holding the referrals permission see cases; everybody else gets 404, everywhere."""

import pytest
from django.test import Client
from django.urls import reverse

from referrals import services
from referrals.screening import screen


@pytest.fixture
def case(jeanne):
    return services.case_open(
        person=jeanne,
        screening=screen("Je n'ai plus envie de rien, je me sens si seule.", "fr", {}),
        source="request",
        source_ref="x",
    )


def pages(case):
    return [
        ("get", reverse("case_queue")),
        ("get", reverse("case_detail", args=[case.pk])),
        ("post", reverse("case_move", args=[case.pk])),
        ("post", reverse("case_consent", args=[case.pk])),
        ("post", reverse("case_referral", args=[case.pk])),
        ("post", reverse("case_alert", args=[case.pk])),
    ]


@pytest.mark.parametrize("who", ["anonymous", "jeanne", "pieter", "claire"])
def test_nobody_without_the_permission_sees_a_case(case, who, request, login):
    browser = Client() if who == "anonymous" else login(request.getfixturevalue(who))
    for method, url in pages(case):
        response = getattr(browser, method)(url)
        assert response.status_code == 404, (who, url)
        assert "seule" not in response.content.decode()


def test_staff_with_the_permission_see_the_queue_and_the_case(case, nadia, login):
    browser = login(nadia)
    for method, url in pages(case)[:2]:
        assert getattr(browser, method)(url).status_code == 200


def test_the_helppie_never_sees_a_tier_or_a_label(case, jeanne, login):
    from tests import factories

    request = factories.help_request(
        helppie=jeanne,
        description="Je me sens si seule et triste depuis des semaines, je ne sors plus.",
    )
    page = login(jeanne).get(reverse("request_detail", args=[request.pk])).content.decode()
    for label in ("moderate", "crisis", "psychological_distress", "isolation"):
        assert label not in page
