"""Jeanne asks to be forgotten: everything personal goes or is anonymised, the ledger stays
balanced and anonymised, she can no longer sign in, and the erasure is logged."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.models import HelpperProfile, HelpRequest, Message, Place, Review, User, Visit
from payments_stub.integrity import ledger_problems
from payments_stub.models import Account, Entry, HoursEvent, HoursLog, LedgerTransaction, Statement
from privacy.models import PrivacyLog
from privacy.services import person_erase
from referrals.models import Case, Consent
from tests import factories
from tests.conftest import JEANNE_STREET
from tests.privacy.conftest import BOB_GARDEN, BOB_WORDS, REVIEW


def ledger_snapshot():
    return (
        LedgerTransaction.objects.count(),
        list(Entry.objects.order_by("pk").values_list("pk", "account_id", "amount_cents")),
    )


def test_it_anonymises_her_account_and_she_cannot_sign_in(world, jeanne):
    person_erase(person=jeanne, by=jeanne)
    jeanne.refresh_from_db()
    assert (jeanne.first_name, jeanne.last_name, jeanne.phone) == ("", "", "")
    assert jeanne.email == f"erased-{jeanne.pk}@erased.invalid"
    assert not jeanne.is_active and not jeanne.has_usable_password()
    response = Client().post(
        reverse("account_login"), {"login": "jeanne@example.org", "password": factories.PASSWORD}
    )
    assert response.status_code == 200  # the form again
    assert not User.objects.filter(email="jeanne@example.org").exists()


def test_it_removes_her_words_places_cases_and_consents(world, jeanne):
    person_erase(person=jeanne, by=jeanne)
    assert not HelpRequest.objects.filter(pk=world.open.pk).exists()  # no hours: gone whole
    kept = HelpRequest.objects.get(pk=world.done.pk)  # hours point to it: an empty shell
    assert kept.description == ""
    assert not Message.objects.filter(request__helppie_id=jeanne.pk).exists()
    assert not Case.objects.filter(person_id=jeanne.pk).exists()
    assert not Consent.objects.filter(person_id=jeanne.pk).exists()
    [place] = Place.objects.filter(owner_id=jeanne.pk)
    assert place.street == "" and JEANNE_STREET not in str(place)
    # Her review of Pieter keeps its stars (his reputation) without her words.
    review = Review.objects.get(author_id=jeanne.pk)
    assert review.rating == 5 and review.comment == "" and REVIEW not in review.comment


def test_the_ledger_stays_balanced_and_points_at_the_anonymised_row(world, jeanne):
    before = ledger_snapshot()
    statements = list(Statement.objects.filter(person=jeanne).values_list("pk", "total_cents"))
    history = HoursEvent.objects.count()
    person_erase(person=jeanne, by=jeanne)
    assert ledger_snapshot() == before
    assert list(Statement.objects.filter(person=jeanne).values_list("pk", "total_cents")) == (
        statements
    )
    assert HoursEvent.objects.count() == history
    assert Account.objects.filter(user=jeanne).exists()
    assert ledger_problems() == []
    out = StringIO()
    call_command("ledger_check", stdout=out)
    assert "every invariant holds" in out.getvalue()


def test_bobs_data_is_untouched(world, jeanne, bob):
    person_erase(person=jeanne, by=jeanne)
    bob.refresh_from_db()
    assert bob.email == "bob@example.org" and bob.is_active
    assert HelpRequest.objects.get(pk=world.bobs.pk).description == BOB_GARDEN
    assert Message.objects.filter(body=BOB_WORDS).exists()
    assert Place.objects.get(owner=bob).street == "Rue de Bob 99"


def test_the_erasure_is_logged_with_ids_only(world, jeanne, claire):
    person_erase(person=jeanne, by=claire, channel="command")
    [row] = PrivacyLog.objects.filter(action="erase")
    assert (row.actor_id, row.subject_id, row.channel) == (claire.pk, jeanne.pk, "command")


def test_a_second_erasure_is_refused(world, jeanne):
    person_erase(person=jeanne, by=jeanne)
    jeanne.refresh_from_db()
    with translation.override("en"), pytest.raises(ValidationError, match="already erased"):
        person_erase(person=jeanne, by=jeanne)
    assert PrivacyLog.objects.filter(action="erase").count() == 1


def test_a_helppers_planned_visits_go_back_to_matching(world, pieter, bob):
    upcoming = world.bobs.visits.first()
    starts = timezone.now() + timedelta(days=5)
    Visit.objects.filter(pk=upcoming.pk).update(
        helpper=pieter,
        status=Visit.Status.PLANNED,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    person_erase(person=pieter, by=pieter)
    upcoming.refresh_from_db()
    assert upcoming.status == Visit.Status.OPEN and upcoming.helpper_id is None
    assert not HelpperProfile.objects.filter(user_id=pieter.pk).exists()
    assert HoursLog.objects.get(pk=world.hours.pk).note == ""
    assert HoursLog.objects.get(pk=world.hours.pk).helpper_id == pieter.pk
    assert not Message.objects.filter(helpper_id=pieter.pk).exists()
    assert not Review.objects.filter(subject_id=pieter.pk).exists()
    assert ledger_problems() == []


def test_the_erase_page_wants_her_password_and_loses_nothing_when_wrong(world, jeanne, login):
    browser = login(jeanne)
    page = browser.get(reverse("erase_account"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    response = browser.post(
        reverse("erase_account"),
        {"password": "not-her-password", "understood": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    # Her language, not the browser's: she chose French.
    assert jeanne.preferred_language == "fr"
    assert "Ce n&#x27;est pas votre mot de passe." in response.content.decode()
    jeanne.refresh_from_db()
    assert jeanne.email == "jeanne@example.org" and jeanne.is_active
    assert not PrivacyLog.objects.filter(action="erase").exists()


def test_the_erase_page_erases_and_signs_her_out(world, jeanne, login):
    browser = login(jeanne)
    response = browser.post(
        reverse("erase_account"), {"password": factories.PASSWORD, "understood": "on"}
    )
    assert response.status_code == 302 and response.url == reverse("home")
    jeanne.refresh_from_db()
    assert not jeanne.is_active
    assert browser.get(reverse("my_data")).status_code == 302  # signed out
    assert PrivacyLog.objects.filter(subject_id=jeanne.pk, action="erase", channel="web").exists()


def test_another_session_of_hers_ends_too(world, jeanne, login):
    elsewhere = login(jeanne)
    assert elsewhere.get(reverse("my_data")).status_code == 200
    person_erase(person=jeanne, by=jeanne)
    assert elsewhere.get(reverse("my_data")).status_code == 302


def test_staff_erase_someone_by_email_or_id_with_the_command(world, jeanne, bob, claire):
    out = StringIO()
    call_command("erase_person", "JEANNE@example.org", "--yes", "--by", claire.email, stdout=out)
    assert f"#{jeanne.pk}" in out.getvalue()
    call_command("erase_person", str(bob.pk), "--yes", stdout=out)
    assert {u.email for u in User.objects.filter(pk__in=[jeanne.pk, bob.pk])} == {
        f"erased-{jeanne.pk}@erased.invalid",
        f"erased-{bob.pk}@erased.invalid",
    }
    logged = set(PrivacyLog.objects.values_list("actor_id", "subject_id", "channel"))
    assert logged == {(claire.pk, jeanne.pk, "command"), (None, bob.pk, "command")}
    assert ledger_problems() == []


def test_the_command_names_an_unknown_person(db):
    with pytest.raises(CommandError, match="nobody@example.org"):
        call_command("erase_person", "nobody@example.org", "--yes")
