"""Invitations: the best are asked, they answer, the helppie chooses; nobody in time → next."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from marketplace.models import HelpRequest, Lapse, Offer, Visit
from matching import services
from matching.models import Invitation
from tests import factories


@pytest.fixture
def neighbours(claire):
    """Six vetted helppers around Ixelles, the nearest first."""
    return [
        factories.helpper(postcode=postcode, by=claire, preferred_language=language)
        for postcode, language in [
            ("1050", "fr"),
            ("1050", "nl"),
            ("1000", "fr"),
            ("1040", "fr"),
            ("1060", "fr"),
            ("1030", "fr"),
        ]
    ]


def post_request(browser, **changes):
    form = {
        "category": "shopping",
        "description": "Des courses",
        "place": "",
        "street": "Rue du Trône 12",
        "postcode": "1050",
        "recurrence": "once",
        "starts_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
        "start_time": "10:00",
        "duration_minutes": "60",
        "hourly_allowance": "8",
        "languages": ["fr"],
    }
    form.update(changes)
    browser.post(reverse("request_create"), form)


@override_settings(MATCHING_INVITE_COUNT=3)
def test_posting_a_request_invites_the_best_candidates_by_email(
    bob, neighbours, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_request(login(bob))
    request = HelpRequest.objects.get(helppie=bob)

    invited = list(request.invitations.order_by("rank"))
    assert len(invited) == 3
    assert {i.helpper_id for i in invited} <= {n.pk for n in neighbours}
    assert len(mail.outbox) == 3 and all(i.emailed_at for i in Invitation.objects.all())
    dutch = [m for m in mail.outbox if m.to == [neighbours[1].email]]
    if dutch:
        assert "Kunt u helpen?" in dutch[0].subject or "helpen" in dutch[0].subject
    assert "Rue du Trône" not in "".join(m.body for m in mail.outbox)


@override_settings(MATCHING_INVITE_COUNT=2)
def test_an_interested_helpper_becomes_an_offer_the_helppie_chooses(
    shopping, neighbours, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, second = services.invitations_send(request=shopping)
    services.invitation_answer(invitation=first, helpper=first.helpper, interested=True)
    offer = Offer.objects.get(request=shopping, helpper=first.helpper)

    services.offer_choose(offer=offer, by=shopping.helppie)

    second.refresh_from_db()
    assert second.status == Invitation.Status.CLOSED
    with pytest.raises(ValidationError):
        services.invitation_answer(invitation=second, helpper=second.helpper, interested=True)


@override_settings(MATCHING_INVITE_COUNT=2)
def test_when_everyone_declines_the_next_candidates_are_invited(
    shopping, neighbours, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first_round = services.invitations_send(request=shopping)
        for invitation in first_round:
            services.invitation_answer(
                invitation=invitation, helpper=invitation.helpper, interested=False
            )

    second_round = shopping.invitations.filter(status=Invitation.Status.INVITED)
    assert second_round.count() == 2
    assert not {i.helpper_id for i in second_round} & {i.helpper_id for i in first_round}
    assert sorted(shopping.invitations.values_list("rank", flat=True)) == [1, 2, 3, 4]


@override_settings(MATCHING_INVITE_COUNT=2)
def test_unanswered_invitations_expire_and_the_next_are_asked(shopping, neighbours):
    first_round = services.invitations_send(request=shopping)

    expired = services.invitations_sweep(now=timezone.now() + timedelta(hours=25))

    assert expired == 2
    assert all(Invitation.objects.get(pk=i.pk).status == "expired" for i in first_round)
    assert shopping.invitations.filter(status=Invitation.Status.INVITED).count() == 2


def test_an_expired_invitation_cannot_be_answered(shopping, neighbours):
    (invitation, *_) = services.invitations_send(request=shopping)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(ValidationError):
        services.invitation_answer(
            invitation=invitation, helpper=invitation.helpper, interested=True
        )


def test_a_helpper_answers_from_the_invitations_page(shopping, neighbours, login):
    (invitation, *_) = services.invitations_send(request=shopping)
    browser = login(invitation.helpper)
    page = browser.get(reverse("invitations")).content.decode()
    assert shopping.description in page and "Rue du Trône" not in page

    browser.post(reverse("invitation_answer", args=[invitation.pk]), {"answer": "yes"})

    assert Offer.objects.filter(request=shopping, helpper=invitation.helpper).exists()


def test_nobody_answers_someone_elses_invitation(shopping, neighbours, login, bob):
    (invitation, *_) = services.invitations_send(request=shopping)
    assert (
        login(bob)
        .post(reverse("invitation_answer", args=[invitation.pk]), {"answer": "yes"})
        .status_code
        == 404
    )


def weekly_series_with(primary, helppie):
    request = factories.help_request(helppie=helppie)
    HelpRequest.objects.filter(pk=request.pk).update(
        recurrence="weekly",
        weekdays=[request.starts_on.weekday()],
        ends_on=request.starts_on + timedelta(weeks=3),
    )
    request.refresh_from_db()
    first = request.visits.get()
    for week in (1, 2, 3):
        Visit.objects.create(
            request=request,
            starts_at=first.starts_at + timedelta(weeks=week),
            ends_at=first.ends_at + timedelta(weeks=week),
        )
    offer = Offer.objects.create(request=request, helpper=primary)
    services.offer_choose(offer=offer, by=helppie)
    return request


def test_a_series_keeps_its_helpper_and_asks_the_backup_first(jeanne, neighbours):
    primary, backup = neighbours[0], neighbours[2]
    series = weekly_series_with(primary, jeanne)
    assert set(series.visits.values_list("helpper", flat=True)) == {primary.pk}
    services.backup_set(request=series, helpper=backup, by=jeanne)
    visit = series.visits.order_by("starts_at")[1]

    (asked,) = services.visit_release(visit=visit, by=primary)

    assert asked.helpper == backup and asked.visit == visit
    services.invitation_answer(invitation=asked, helpper=backup, interested=True)
    visit.refresh_from_db()
    assert visit.helpper == backup and visit.status == Visit.Status.PLANNED
    assert series.visits.filter(helpper=primary).count() == 3


@override_settings(MATCHING_INVITE_COUNT=2)
def test_when_the_backup_cannot_others_are_asked_but_never_the_usual_helpper(
    jeanne, neighbours, django_capture_on_commit_callbacks
):
    primary, backup = neighbours[0], neighbours[2]
    series = weekly_series_with(primary, jeanne)
    services.backup_set(request=series, helpper=backup, by=jeanne)
    visit = series.visits.order_by("starts_at")[2]

    (asked,) = services.visit_release(visit=visit, by=primary)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_answer(invitation=asked, helpper=backup, interested=False)

    others = visit.invitations.filter(status=Invitation.Status.INVITED)
    assert others.count() == 2
    assert primary.pk not in others.values_list("helpper", flat=True)


def test_letting_go_late_counts_against_reliability(jeanne, neighbours):
    primary = neighbours[0]
    series = weekly_series_with(primary, jeanne)
    soon, later = series.visits.order_by("starts_at")[0], series.visits.order_by("starts_at")[3]
    Visit.objects.filter(pk=soon.pk).update(
        starts_at=timezone.now() + timedelta(hours=20), ends_at=timezone.now() + timedelta(hours=21)
    )

    services.visit_release(visit=later, by=primary)
    assert not Lapse.objects.filter(helpper=primary).exists()
    services.visit_release(visit=soon, by=primary)
    assert Lapse.objects.filter(helpper=primary, kind="cancelled").count() == 1
