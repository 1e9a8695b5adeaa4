"""The social map: Belgian services by place and language, HSDS out and back in."""

import json
from io import StringIO
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command
from django.urls import reverse

from marketplace import geo
from referrals import selectors
from referrals.models import Service
from referrals.social_map import export_hsds, import_hsds, outlines

SCHEMAS = Path(__file__).parent / "data" / "hsds"
BRUSSELS, GHENT, LIEGE = (
    geo.point(50.8467, 4.3525),
    geo.point(51.0543, 3.7174),
    geo.point(50.6326, 5.5797),
)


@pytest.mark.parametrize(
    "point, region", [(BRUSSELS, "brussels"), (GHENT, "flanders"), (LIEGE, "wallonia")]
)
def test_the_region_outlines_hold_their_cities(point, region):
    assert outlines()[region].contains(point)
    assert outlines()["belgium"].contains(point)
    others = {"brussels", "flanders", "wallonia"} - {region}
    assert not any(outlines()[other].contains(point) for other in others)


def numbers(services):
    return {phone.number for service in services for phone in service.phones.all()}


@pytest.mark.parametrize(
    "point, language, expected, absent",
    [
        (LIEGE, "fr", {"0800 32 123", "112"}, {"1813"}),
        (GHENT, "nl", {"1813", "112"}, {"0800 32 123"}),
        (BRUSSELS, "nl", {"1813", "112"}, {"0800 32 123"}),
        (BRUSSELS, "fr", {"0800 32 123", "112"}, {"1813"}),
    ],
)
def test_crisis_lines_serve_the_persons_region_and_language(
    social_map, point, language, expected, absent
):
    found = numbers(selectors.crisis_lines(selectors.Person(point=point, language=language)))
    assert expected <= found and not (absent & found)


def test_the_sentinel_programme_is_offered_only_to_the_self_employed(social_map):
    person = selectors.Person(point=LIEGE, language="fr")
    kinds = ["sentinel_programme", "psychologist"]
    offered = selectors.services_for(kinds=kinds, person=person)
    assert offered and all(s.kinds == ["psychologist"] for s in offered)
    independent = selectors.Person(point=LIEGE, language="fr", self_employed=True)
    assert selectors.services_for(kinds=kinds, person=independent)[0].kinds == [
        "sentinel_programme"
    ]


def test_details_to_check_carry_no_assured_date(social_map):
    assert Service.objects.get(name__en__startswith="Community Help Service").assured_date is None
    assert Service.objects.get(name__en="Emergency number 112").assured_date is not None


def test_the_export_validates_against_hsds(social_map):
    document = export_hsds(language="fr")
    # Each schema checked once, then every service against it (`jsonschema.validate` would
    # check the schema itself again for every service: most of a minute).
    validators = []
    for name in ("service.json", "service_list.json"):
        schema = json.loads((SCHEMAS / name).read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        validators.append(jsonschema.Draft202012Validator(schema))
    assert document["total_items"] == Service.objects.count() > 20
    for item in document["contents"]:
        for validator in validators:
            validator.validate(item)
    assert any(item["name"] == "Numéro d'urgence 112" for item in document["contents"])


def test_export_then_import_gives_the_same_map(social_map, tmp_path):
    path = tmp_path / "map.json"
    call_command("export_hsds", "--output", str(path), stderr=StringIO())
    before = export_hsds()
    Service.objects.all().delete()

    call_command("import_hsds", str(path), stdout=StringIO())

    after = export_hsds()

    def strip(doc):
        return [{k: v for k, v in s.items() if k != "last_modified"} for s in doc["contents"]]  # noqa: E731

    assert strip(after) == strip(before)


def test_import_refuses_a_file_that_is_not_json(tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.json"
    bad.write_text("not json")
    with pytest.raises(CommandError):
        call_command("import_hsds", str(bad))


def test_staff_search_edit_and_mark_a_service_checked(social_map, claire, login):
    browser = login(claire)
    page = browser.get(reverse("social_map"), {"q": "1813"}).content.decode()
    assert "Zelfmoordlijn" in page and "Respect Seniors" not in page
    service = Service.objects.get(name__en__startswith="Community Help Service")

    browser.post(reverse("service_edit", args=[service.pk]), {"action": "checked"})

    service.refresh_from_db()
    assert service.assured_date is not None


def test_the_social_map_is_for_staff(social_map, bob, login):
    assert login(bob).get(reverse("social_map")).status_code == 404


def test_import_accepts_another_maps_plain_hsds(db):
    plain = {
        "contents": [
            {
                "id": "0c0f4a4e-5b7b-4e63-9d1e-4b2f9c8e1a11",
                "name": "Repair café",
                "status": "active",
                "organization": {
                    "id": "1c0f4a4e-5b7b-4e63-9d1e-4b2f9c8e1a11",
                    "name": "Repair café vzw",
                },
                "service_areas": [
                    {"id": "2c0f4a4e-5b7b-4e63-9d1e-4b2f9c8e1a11", "description": "44021"}
                ],
            }
        ]
    }
    assert import_hsds(plain, language="nl") == 1
    service = Service.objects.get()
    assert service.name == {"nl": "Repair café"} and service.service_areas.get().municipalities == [
        "44021"
    ]
