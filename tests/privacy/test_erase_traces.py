"""What erasure used to leave behind: Jeanne's reason for questioning hours in their history,
her member number at her mutuality, and her name in the admin's history. The hours history
stays append-only for everything but that redaction."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from marketplace.models import Place, User
from payments_stub import services as payment_services
from payments_stub.integrity import ledger_problems
from payments_stub.models import FundMembership, HoursEvent
from privacy import admin_log
from privacy.services import person_erase
from tests import factories
from tests.payments.conftest import last_month, log, visit_done

DISPUTE = "Pieter est parti à 11h, ma voisine Mme Leclercq l'a vu"
SETTLED = "Appelé Jeanne Dupont au 02 555 01 23: d'accord pour 1 h"


@pytest.fixture
def disputed(world, jeanne, pieter, claire):
    hours = log(visit_done(world.done, pieter, day=last_month().replace(day=12)))
    hours = payment_services.hours_dispute(hours=hours, by=jeanne, reason=DISPUTE)
    return payment_services.hours_settle(hours=hours, by=claire, outcome="accept", note=SETTLED)


@pytest.fixture
def fund(db):
    return factories.partner_fund()


def notes_of(hours) -> list[tuple[str, str]]:
    return list(HoursEvent.objects.filter(hours=hours).values_list("action", "note"))


# --- the hours history ----------------------------------------------------------------------


def test_it_blanks_her_reason_and_the_coordinators_note_in_the_history(disputed, jeanne):
    before = notes_of(disputed)
    assert ("disputed", DISPUTE) in before and ("accepted", SETTLED) in before

    person_erase(person=jeanne, by=jeanne)

    after = notes_of(disputed)
    assert [action for action, _ in after] == [action for action, _ in before]
    assert all(note == "" for _, note in after)
    assert ledger_problems() == []


def test_it_leaves_the_history_of_other_peoples_hours_alone(disputed, bob, jeanne):
    person_erase(person=bob, by=bob)

    assert ("disputed", DISPUTE) in notes_of(disputed)


def test_the_history_still_refuses_an_edit_of_a_note(disputed):
    event = HoursEvent.objects.get(hours=disputed, action="disputed")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        HoursEvent.objects.filter(pk=event.pk).update(note="Tout allait bien")
    assert HoursEvent.objects.get(pk=event.pk).note == DISPUTE


def test_the_history_refuses_a_redaction_that_changes_anything_else(disputed):
    event = HoursEvent.objects.get(hours=disputed, action="disputed")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        HoursEvent.objects.filter(pk=event.pk).update(note="", action="validated")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        HoursEvent.objects.filter(pk=event.pk).update(note="", new={})
    assert HoursEvent.objects.get(pk=event.pk).action == "disputed"


def test_the_history_still_refuses_a_deletion(disputed):
    event = HoursEvent.objects.get(hours=disputed, action="disputed")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        HoursEvent.objects.filter(pk=event.pk).delete()
    assert HoursEvent.objects.filter(pk=event.pk).exists()


def test_the_history_lets_a_note_be_blanked_and_nothing_else(disputed):
    event = HoursEvent.objects.get(hours=disputed, action="disputed")
    before = HoursEvent.objects.filter(pk=event.pk).values().get()

    assert HoursEvent.objects.filter(pk=event.pk).update(note="") == 1

    assert HoursEvent.objects.filter(pk=event.pk).values().get() == {**before, "note": ""}


# --- the mutuality ----------------------------------------------------------------------------


def test_it_blanks_her_member_numbers_current_and_past(world, jeanne, fund):
    payment_services.membership_set(
        helppie=jeanne, fund=fund, member_number="123-456789-01", by=jeanne
    )
    FundMembership.objects.filter(helppie=jeanne).update(ended_at=timezone.now())
    payment_services.membership_set(
        helppie=jeanne, fund=fund, member_number="987-654321-09", by=jeanne
    )

    person_erase(person=jeanne, by=jeanne)

    memberships = FundMembership.objects.filter(helppie_id=jeanne.pk)
    assert memberships.count() == 2
    assert set(memberships.values_list("member_number", flat=True)) == {""}
    assert not memberships.filter(ended_at__isnull=True).exists()


# --- the admin's history ----------------------------------------------------------------------


def admin_changed(by: User, obj, message: str) -> LogEntry:
    return LogEntry.objects.create(
        user=by,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj),
        action_flag=CHANGE,
        change_message=message,
    )


def points_of(request) -> tuple[str, str]:
    """The request's copy of its place's point (the feed's, migration marketplace 0008), and the
    place's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT ST_AsText(r.place_location), ST_AsText(p.location)
               FROM marketplace_helprequest r JOIN marketplace_place p ON p.id = r.place_id
               WHERE r.id = %s""",
            [request.pk],
        )
        return cursor.fetchone()


def test_her_exact_point_does_not_stay_on_a_kept_request(world, jeanne):
    exact, _ = points_of(world.done)

    person_erase(person=jeanne, by=jeanne)

    copy, place = points_of(world.done)
    assert copy == place != exact  # blurred on the place, and so on the request's copy


def test_it_takes_her_name_out_of_the_admins_history(world, jeanne, bob, claire):
    about_her = admin_changed(claire, jeanne, "Téléphone de Jeanne Dupont corrigé")
    her_place = admin_changed(claire, Place.objects.get(owner=jeanne), "Rue du Trône 12")
    her_gone_request = admin_changed(claire, world.open, "Jeanne: courses le mardi")
    about_bob = admin_changed(claire, bob, "Bob a appelé")

    person_erase(person=jeanne, by=jeanne)

    for entry in (about_her, her_place, her_gone_request):
        entry.refresh_from_db()
        assert entry.object_repr == f"#{entry.object_id}"
        assert entry.change_message == ""
        assert entry.user_id == claire.pk and entry.action_flag == CHANGE  # the row stays
    about_bob.refresh_from_db()
    assert about_bob.object_repr == str(bob) and about_bob.change_message == "Bob a appelé"


def test_every_admin_model_pointing_at_a_person_is_classified():
    """A new admin page about people's rows must say whether erasure anonymises its history."""
    owned = {f"{model._meta.label}.{field}" for model, field in admin_log.OWNED}
    unclassified = []
    for model in admin.site._registry:
        for field in model._meta.get_fields():
            points_at_user = (field.many_to_one or field.one_to_one) and field.concrete
            if points_at_user and field.related_model is User:
                name = f"{model._meta.label}.{field.name}"
                if name not in owned and name not in admin_log.NOT_ABOUT_THEM:
                    unclassified.append(name)
    assert not unclassified, f"add to privacy/admin_log.py OWNED or NOT_ABOUT_THEM: {unclassified}"
