"""Messages between a helppie and a helpper: who may write, who may read, what is screened."""

import pytest
from django.core import mail
from django.urls import reverse

from marketplace import services
from marketplace.models import Block, Message
from referrals.models import Case
from referrals.social_map import load_shipped
from tests.conftest import JEANNE_PHONE

CRISIS_FR = "Je ne veux plus vivre, je pense à en finir."


@pytest.fixture
def offered(shopping, pieter):
    services.offer_make(request=shopping, helpper=pieter, message="Avec plaisir")
    return shopping


def thread_url(request, helpper):
    return reverse("conversation", args=[request.pk, helpper.pk])


def test_a_helpper_who_offered_writes_and_the_helppie_reads_it(offered, pieter, jeanne, login):
    response = login(pieter).post(thread_url(offered, pieter), {"body": "Quel magasin ?"})
    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.sender, message.helpper, message.read_at) == (pieter, pieter, None)

    helppie = login(jeanne)
    inbox = helppie.get(reverse("messages")).content.decode()
    assert "Pieter J." in inbox and "1 nouveau" in inbox
    page = helppie.get(thread_url(offered, pieter)).content.decode()
    assert "Quel magasin ?" in page
    message.refresh_from_db()
    assert message.read_at is not None
    assert "1 nouveau" not in helppie.get(reverse("messages")).content.decode()


def test_the_recipient_is_emailed_in_their_language(
    offered, pieter, jeanne, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(request=offered, helpper=pieter, sender=jeanne, body="Merci !")
    [email] = mail.outbox
    assert email.to == ["pieter@example.org"]
    # Pieter reads Dutch; the words themselves stay on the site.
    assert "bericht" in email.body and "Merci !" not in email.body
    assert thread_url(offered, pieter) in email.body


def test_no_contact_details_travel_before_agreement(offered, pieter, login):
    page = login(pieter).get(thread_url(offered, pieter)).content.decode()
    assert "Jeanne D." in page and "Dupont" not in page and JEANNE_PHONE not in page


@pytest.mark.parametrize("who", ["bob", "marc", "sofie"])
def test_others_cannot_read_or_write_a_conversation(offered, pieter, who, request, login):
    outsider = request.getfixturevalue(who)
    browser = login(outsider)
    assert browser.get(thread_url(offered, pieter)).status_code == 404
    assert browser.post(thread_url(offered, pieter), {"body": "Bonjour"}).status_code == 404
    assert not Message.objects.exists()


def test_a_helpper_without_offer_or_invitation_has_no_conversation(shopping, pieter, login):
    assert login(pieter).get(thread_url(shopping, pieter)).status_code == 404
    assert login(shopping.helppie).get(thread_url(shopping, pieter)).status_code == 404


def test_an_empty_message_is_refused_in_french_and_nothing_is_saved(offered, pieter, jeanne, login):
    response = login(jeanne).post(thread_url(offered, pieter), {"body": "   "})
    assert response.status_code == 200
    assert "Écrivez d’abord un message." in response.content.decode()
    assert not Message.objects.exists()


def test_a_too_long_message_keeps_what_was_typed(offered, pieter, jeanne, login):
    body = "a" * 2001
    response = login(jeanne).post(thread_url(offered, pieter), {"body": body})
    assert response.status_code == 200 and body in response.content.decode()
    assert not Message.objects.exists()


def test_nobody_writes_across_a_block(offered, pieter, jeanne):
    Block.objects.create(blocker=jeanne, blocked=pieter)
    with pytest.raises(Exception, match="écrire à cette personne"):
        services.message_send(request=offered, helpper=pieter, sender=pieter, body="Bonjour")
    assert not Message.objects.exists()


def test_a_crisis_in_a_message_shows_the_numbers_and_opens_a_case(offered, pieter, jeanne, login):
    load_shipped()
    browser = login(jeanne)
    response = browser.post(thread_url(offered, pieter), {"body": CRISIS_FR}, follow=True)
    page = response.content.decode()
    assert "0800 32 123" in page
    case = Case.objects.get(person=jeanne)
    assert case.tier == "crisis" and case.source == "message"
    # Shown once, to the writer only: not to the helpper reading it, not again on reload.
    assert "0800 32 123" not in login(pieter).get(thread_url(offered, pieter)).content.decode()
    assert "0800 32 123" not in browser.get(thread_url(offered, pieter)).content.decode()


def test_a_coordinator_writes_on_the_persons_behalf_without_being_screened(
    offered, pieter, claire, login
):
    response = login(claire).post(thread_url(offered, pieter), {"body": CRISIS_FR})
    assert response.status_code == 302
    assert Message.objects.get().sender == claire and not Case.objects.exists()


def test_the_request_page_links_both_sides_to_their_conversation(offered, pieter, jeanne, login):
    link = thread_url(offered, pieter)
    assert link in login(jeanne).get(reverse("request_detail", args=[offered.pk])).content.decode()
    assert link in login(pieter).get(reverse("request_detail", args=[offered.pk])).content.decode()
