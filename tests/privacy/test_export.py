"""Jeanne downloads her data: everything of hers, nothing of Bob's, and the download is logged."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from privacy.models import PrivacyLog
from privacy.services import export_for
from tests.conftest import JEANNE_PHONE, JEANNE_STREET
from tests.privacy.conftest import BOB_GARDEN, BOB_WORDS, JEANNE_WORDS, PIETER_WORDS, REVIEW


def test_it_holds_jeannes_profile_places_requests_and_visits(world, jeanne):
    data = export_for(jeanne)
    assert data["profile"]["email"] == jeanne.email
    assert data["profile"]["phone"] == JEANNE_PHONE
    assert [p["street"] for p in data["places"]] == [JEANNE_STREET]
    assert {r["id"] for r in data["requests"]} == {world.done.pk, world.open.pk}
    done = next(r for r in data["requests"] if r["id"] == world.done.pk)
    assert world.visit.pk in [v["id"] for v in done["visits"]]
    assert {o["helpper"] for o in done["offers_received"]} == {"Pieter J."}


def test_it_holds_her_messages_review_hours_statements_and_consents(world, jeanne):
    data = export_for(jeanne)
    assert {m["body"] for m in data["messages"]} == {JEANNE_WORDS, PIETER_WORDS}
    assert {m["from"] for m in data["messages"]} == {"me", "Pieter J."}
    assert [r["comment"] for r in data["reviews"]["written"]] == [REVIEW]
    assert [h["id"] for h in data["hours"]] == [world.hours.pk]
    assert data["hours"][0]["side"] == "helppie"
    assert data["hours"][0]["note"] == ""  # Pieter's own note is his
    assert [s["kind"] for s in data["statements"]] == ["helppie"]
    assert data["statements"][0]["total_cents"] > 0
    assert [c["purpose"] for c in data["consents"]] == ["contact"]


def test_it_says_a_case_exists_with_its_state_but_not_the_staff_assessment(world, jeanne):
    data = export_for(jeanne)
    [case] = data["referral_cases"]
    assert case["id"] == world.case.pk and case["status"] == "requested"
    assert not {"tier", "needs", "rules", "evidence", "note", "orientation"} & set(case)


def test_it_holds_nobody_elses_data(world, jeanne, pieter, bob):
    text = json.dumps(export_for(jeanne), ensure_ascii=False)
    for foreign in (
        BOB_GARDEN,
        BOB_WORDS,
        "Rue de Bob 99",
        bob.email,
        pieter.email,
        pieter.phone,
        pieter.last_name,
        "Je peux passer mardi",  # Pieter's offer message is his
    ):
        assert foreign not in text, foreign


def test_pieters_export_holds_his_side(world, pieter, jeanne):
    data = export_for(pieter)
    assert data["helpper_profile"]["postcode"] == "1000"
    assert {v["id"] for v in data["helping"]["visits"]} == {world.visit.pk}
    assert {o["request_id"] for o in data["helping"]["offers"]} == {
        world.done.pk,
        world.open.pk,
        world.bobs.pk,
    }
    assert data["hours"][0]["note"]  # his note on his hours
    assert [r["by"] for r in data["reviews"]["received"]] == ["Jeanne D."]
    text = json.dumps(data, ensure_ascii=False)
    assert jeanne.phone not in text and "Rue du Trône" not in text


def test_every_export_is_logged_with_ids_only(world, jeanne, claire):
    export_for(jeanne)
    export_for(jeanne, by=claire, channel="command")
    logged = list(
        PrivacyLog.objects.order_by("at").values_list("actor_id", "subject_id", "action", "channel")
    )
    assert logged == [
        (jeanne.pk, jeanne.pk, "export", "web"),
        (claire.pk, jeanne.pk, "export", "command"),
    ]


def test_the_my_data_page_offers_the_download(world, jeanne, login):
    page = login(jeanne).get(reverse("my_data"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert reverse("my_data_download") in page.content.decode()
    assert reverse("erase_account") in page.content.decode()


def test_the_download_is_a_json_file_of_her_own_data(world, jeanne, login):
    response = login(jeanne).get(reverse("my_data_download"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["profile"]["id"] == jeanne.pk
    assert PrivacyLog.objects.filter(subject_id=jeanne.pk, action="export").count() == 1


def test_strangers_must_sign_in_first(client):
    for name in ("my_data", "my_data_download", "erase_account"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


# --- for people without a login: the command ------------------------------------------------


def without_time(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "exported_at"}


def test_the_command_writes_the_same_json_as_the_download(world, jeanne, claire, login):
    browser = login(jeanne)  # signing in first: the profile holds her last login
    downloaded = browser.get(reverse("my_data_download")).content.decode()
    out = StringIO()
    call_command("export_person", jeanne.email, "--by", claire.email, stdout=out)

    assert without_time(json.loads(out.getvalue())) == without_time(json.loads(downloaded))


def test_the_command_is_logged_with_the_coordinator_and_its_channel(world, jeanne, claire):
    call_command("export_person", str(jeanne.pk), "--by", str(claire.pk), stdout=StringIO())
    call_command("export_person", jeanne.email, stdout=StringIO())

    logged = list(
        PrivacyLog.objects.order_by("pk").values_list("actor_id", "subject_id", "action", "channel")
    )
    assert logged == [
        (claire.pk, jeanne.pk, "export", "command"),
        (None, jeanne.pk, "export", "command"),
    ]


def test_the_export_command_names_an_unknown_person(db):
    with pytest.raises(CommandError, match="nobody@example.org"):
        call_command("export_person", "nobody@example.org", stdout=StringIO())
    assert not PrivacyLog.objects.exists()
