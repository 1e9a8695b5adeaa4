"""Coordinators through the API: referral cases only with the permission, every reading and
change in the access log; the social map as HSDS for staff; 404 for everyone else."""

from __future__ import annotations

from datetime import date

import pytest

from referrals import services, social_map
from referrals.models import AccessLog, Case, Organization, Service, ServiceArea
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


SOCIAL_MAP = "/api/v1/social-map/"


def test_staff_read_the_social_map_as_hsds_in_their_language(claire, app):
    load_shipped()

    body = app(claire, "nl").get(SOCIAL_MAP).json()

    assert body["count"] == Service.objects.count() > len(body["results"]) > 0
    first = body["results"][0]
    assert first == social_map.export_hsds(language="nl")["contents"][0]
    assert (
        first["name"] == first["x_translations"]["nl"]["name"]
        or not first["x_translations"]["nl"]["name"]
    )


def test_the_social_map_is_paged_like_every_list(claire, app, django_assert_max_num_queries):
    load_shipped()
    client = app(claire)

    with django_assert_max_num_queries(12):
        first = client.get(SOCIAL_MAP, {"page_size": 5}).json()
    second = client.get(first["next"]).json()

    assert first["count"] > 5 and len(first["results"]) == 5
    ids = [s["id"] for s in first["results"] + second["results"]]
    assert len(ids) == len(set(ids))


def test_the_social_map_filters_by_kind(claire, app):
    load_shipped()

    body = app(claire).get(SOCIAL_MAP, {"kind": "crisis_line", "page_size": 100}).json()

    assert body["count"] == Service.objects.filter(kinds__contains=["crisis_line"]).count() > 0
    for service in body["results"]:
        assert "crisis_line" in [a["taxonomy_term"]["code"] for a in service["attributes"]]


def test_the_social_map_filters_by_the_postcode_a_service_serves(claire, app):
    ixelles, liege = _service_for("21009"), _service_for("62063")
    national = _service_for(None, extent=social_map.outlines()["belgium"])
    client = app(claire)

    in_ixelles = client.get(SOCIAL_MAP, {"postcode": "1050"}).json()
    nowhere = client.get(SOCIAL_MAP, {"postcode": "9999"}).json()

    assert {s["id"] for s in in_ixelles["results"]} == {str(ixelles.pk), str(national.pk)}
    assert str(liege.pk) not in str(in_ixelles) and nowhere["count"] == 0


def test_the_social_map_filters_by_language_and_by_checked(claire, app):
    french = _service_for("21009", languages=["fr"], assured_date=date(2025, 1, 6))
    dutch = _service_for("21009", languages=["nl"])
    anyone = _service_for("21009", languages=[])
    client = app(claire)

    def found(**query):
        return {s["id"] for s in client.get(SOCIAL_MAP, query).json()["results"]}

    assert found(language="fr") == {str(french.pk), str(anyone.pk)}
    assert found(checked="true") == {str(french.pk)}
    assert found(checked="false") == {str(dutch.pk), str(anyone.pk)}


def test_a_postcode_that_is_not_belgian_is_refused_in_french(claire, app):
    response = app(claire, "fr").get(SOCIAL_MAP, {"postcode": "75001"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "postcode"


def _service_for(refnis: str | None, *, extent=None, **fields) -> Service:
    """A service serving one municipality (by its NIS code), or an outline."""
    organization = Organization.objects.create(name={"fr": "Asbl"})
    service = Service.objects.create(
        organization=organization, name={"fr": "Service"}, kinds=["cpas"], **fields
    )
    ServiceArea.objects.create(
        service=service, name="area", extent=extent, municipalities=[refnis] if refnis else []
    )
    return service


def test_the_social_map_is_not_for_helppies(jeanne, app):
    assert app(jeanne).get(SOCIAL_MAP).status_code == 404
