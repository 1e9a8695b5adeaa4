"""Coordinators through the API: referral cases only with the permission, every reading and
change in the access log; the social map as HSDS for staff; 404 for everyone else."""

from __future__ import annotations

import pytest

from referrals import services
from referrals.models import AccessLog, Case
from referrals.screening import screen
from referrals.social_map import load_shipped


@pytest.fixture
def case(jeanne):
    return services.case_open(
        person=jeanne,
        screening=screen("Je me sens si seule depuis des mois.", None, {}),
        source="request",
        source_ref="request:1",
    )


def test_a_case_worker_reads_the_queue_and_a_case_and_both_are_logged(case, nadia, app):
    client = app(nadia)

    queue = client.get("/api/v1/cases/").json()
    detail = client.get(f"/api/v1/cases/{case.pk}/").json()

    assert [c["id"] for c in queue["results"]] == [case.pk]
    assert detail["person"]["name"] == "Jeanne Dupont"
    assert detail["events"][0]["action"] == "opened"
    logged = list(AccessLog.objects.filter(user=nadia).values_list("action", "case_ref"))
    assert ("queue", None) in logged and ("view", case.pk) in logged


def test_a_case_worker_moves_a_case_and_the_change_is_logged(case, nadia, app):
    response = app(nadia).post(f"/api/v1/cases/{case.pk}/move/", {"to": "accepted"})

    assert response.status_code == 200
    assert response.json()["status"] == "accepted" and response.json()["assigned_to"] == nadia.pk
    assert AccessLog.objects.filter(user=nadia, case_ref=case.pk, action="moved").exists()


def test_an_impossible_move_is_refused_in_french(case, nadia, app):
    nadia.preferred_language = "fr"

    response = app(nadia, "fr").post(f"/api/v1/cases/{case.pk}/move/", {"to": "completed"})

    assert response.status_code == 400
    assert "ne peut pas passer" in response.json()["errors"][0]["detail"]
    assert Case.objects.get(pk=case.pk).status == "requested"


@pytest.mark.parametrize("who", ["claire", "jeanne", "bob"])
def test_without_the_permission_cases_do_not_exist(case, who, request, app):
    client = app(request.getfixturevalue(who))

    for response in (
        client.get("/api/v1/cases/"),
        client.get(f"/api/v1/cases/{case.pk}/"),
        client.post(f"/api/v1/cases/{case.pk}/move/", {"to": "accepted"}),
    ):
        assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).status == "requested"
    assert not AccessLog.objects.filter(action__in=["queue", "view", "moved"]).exists()


def test_staff_read_the_social_map_as_hsds_in_their_language(claire, app):
    load_shipped()

    body = app(claire, "nl").get("/api/v1/social-map/").json()

    assert body["total_items"] == len(body["contents"]) > 0
    first = body["contents"][0]
    assert (
        first["name"] == first["x_translations"]["nl"]["name"]
        or not first["x_translations"]["nl"]["name"]
    )


def test_the_social_map_is_not_for_helppies(jeanne, app):
    assert app(jeanne).get("/api/v1/social-map/").status_code == 404
