"""The first journey, end to end through the pages: sign up, post, offer, accept, meet, done."""

import re
from datetime import timedelta

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace.models import HelpRequest, Offer, User, Visit
from tests.conftest import JEANNE_STREET


def sign_up_as_helppie(browser: Client) -> User:
    response = browser.post(
        reverse("account_signup"),
        {
            "email": "jeanne.new@example.org",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
            "first_name": "Jeanne",
            "last_name": "Dupont",
            "preferred_language": "fr",
            "role": "helppie",
        },
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert "Jeanne" in message.body or "jeanne.new@example.org" in message.to
    confirm_url = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body).group(
        1
    )
    response = browser.post(confirm_url)
    assert response.status_code == 302
    return User.objects.get(email="jeanne.new@example.org")


def test_it_carries_a_request_from_sign_up_to_a_visit_done(pieter, login):
    jeanne_browser = Client()
    jeanne = sign_up_as_helppie(jeanne_browser)
    assert jeanne.is_helppie and jeanne.preferred_language == "fr"

    today = timezone.localdate()
    response = jeanne_browser.post(
        reverse("request_create"),
        {
            "category": "shopping",
            "description": "Des courses au supermarché, le sac est lourd.",
            "street": JEANNE_STREET,
            "postcode": "1050",
            "recurrence": "once",
            "starts_on": today.isoformat(),
            "start_time": "00:00",
            "duration_minutes": "60",
            "hourly_allowance": "8,50",
            "languages": ["fr"],
        },
    )
    request = HelpRequest.objects.get(helppie=jeanne)
    assert response.status_code == 302 and response.url == reverse(
        "request_detail", args=[request.pk]
    )
    assert request.hourly_allowance_cents == 850
    assert request.visits.count() == 1

    pieter_browser = login(pieter)
    near = pieter_browser.get(reverse("near_me"))
    assert reverse("request_detail", args=[request.pk]) in near.content.decode()
    assert "1050 Elsene" in near.content.decode()
    assert JEANNE_STREET not in near.content.decode()

    pieter_browser.post(reverse("offer_create", args=[request.pk]), {"message": "Avec plaisir"})
    offer = Offer.objects.get(request=request, helpper=pieter)

    detail = jeanne_browser.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "Pieter J." in detail and pieter.phone not in detail
    jeanne_browser.post(reverse("offer_accept", args=[offer.pk]))

    mine = jeanne_browser.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert pieter.phone in mine and "Pieter Janssens" in mine
    theirs = pieter_browser.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert JEANNE_STREET in theirs and "Jeanne Dupont" in theirs

    visit = request.visits.get()
    assert visit.helpper == pieter and visit.status == Visit.Status.PLANNED
    pieter_browser.post(reverse("visit_done", args=[visit.pk]))
    visit.refresh_from_db()
    request.refresh_from_db()
    assert visit.status == Visit.Status.DONE and visit.done_at is not None
    assert request.status == HelpRequest.Status.DONE


def test_it_will_not_mark_a_visit_done_before_its_day(shopping, pieter, login):
    from marketplace import services

    offer = services.offer_make(request=shopping, helpper=pieter)
    services.offer_accept(offer=offer, by=shopping.helppie)
    visit = shopping.visits.get()
    assert visit.starts_at > timezone.now() + timedelta(days=1)

    response = login(pieter).post(reverse("visit_done", args=[visit.pk]), follow=True)

    visit.refresh_from_db()
    assert visit.status == Visit.Status.PLANNED
    assert "vanaf de geplande dag" in response.content.decode()  # Pieter reads Dutch


def test_it_lets_only_the_helppie_accept_an_offer(shopping, pieter, bob, login):
    from marketplace import services

    offer = services.offer_make(request=shopping, helpper=pieter)

    assert login(bob).post(reverse("offer_accept", args=[offer.pk])).status_code == 404
    assert login(pieter).post(reverse("offer_accept", args=[offer.pk])).status_code == 404
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING
