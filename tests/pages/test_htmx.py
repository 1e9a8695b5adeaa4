"""Small interactions swap a fragment with htmx and still work as plain forms without it."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from marketplace.models import Offer
from matching.models import Invitation
from payments_stub.models import HoursLog
from tests import factories
from tests.pages.conftest import page
from tests.payments.conftest import log, visit_done

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def invitation(shopping, pieter) -> Invitation:
    return factories.invitation(shopping, pieter)


def test_answering_an_invitation_with_htmx_returns_the_answered_card(invitation, pieter, login):
    browser = login(pieter)
    response = browser.post(
        reverse("invitation_answer", args=[invitation.pk]), {"answer": "yes"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    # The answer takes the keyboard focus the pressed button had (js/swap-focus.js).
    assert f'id="invitation-{invitation.pk}" tabindex="-1" data-swap-focus' in html
    assert Offer.objects.filter(request=invitation.request, helpper=pieter).exists()
    # Nothing left over to flash on the next page.
    assert list(get_messages(response.wsgi_request)) == []


def test_answering_an_invitation_without_htmx_redirects_as_before(invitation, pieter, login):
    browser = login(pieter)
    response = browser.post(reverse("invitation_answer", args=[invitation.pk]), {"answer": "no"})
    assert response.status_code == 302 and response["Location"] == reverse("invitations")
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED


def test_answering_from_the_home_page_without_htmx_goes_back_home(invitation, pieter, login):
    response = login(pieter).post(
        reverse("invitation_answer", args=[invitation.pk]), {"answer": "no", "from": "home"}
    )
    assert response["Location"] == reverse("home")


def test_an_answer_that_fails_is_shown_in_the_fragment(invitation, pieter, login):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    response = login(pieter).post(
        reverse("invitation_answer", args=[invitation.pk]), {"answer": "yes"}, **HTMX
    )
    assert response.status_code == 200 and "message-error" in response.content.decode()


def test_someone_elses_invitation_is_404_with_htmx_too(invitation, bob, login):
    response = login(bob).post(
        reverse("invitation_answer", args=[invitation.pk]), {"answer": "yes"}, **HTMX
    )
    assert response.status_code == 404


@pytest.fixture
def hours(shopping, pieter) -> HoursLog:
    return log(visit_done(shopping, pieter))


def test_confirming_hours_with_htmx_returns_the_confirmed_row(hours, jeanne, login):
    response = login(jeanne).post(
        reverse("hours_review", args=[hours.pk]), {"action": "validate", "from": "home"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'id="hours-{hours.pk}" tabindex="-1" data-swap-focus' in html
    assert "hx-post" not in html  # the buttons are gone
    hours.refresh_from_db()
    assert hours.status == HoursLog.Status.VALIDATED


def test_confirming_hours_without_htmx_redirects_as_before(hours, jeanne, login):
    response = login(jeanne).post(reverse("hours_review", args=[hours.pk]), {"action": "validate"})
    assert response.status_code == 302 and response["Location"] == reverse("statements")
    hours.refresh_from_db()
    assert hours.status == HoursLog.Status.VALIDATED


def test_confirming_from_the_home_page_without_htmx_goes_back_home(hours, jeanne, login):
    response = login(jeanne).post(
        reverse("hours_review", args=[hours.pk]), {"action": "validate", "from": "home"}
    )
    assert response["Location"] == reverse("home")


def test_hours_that_cannot_be_confirmed_keep_their_row_with_the_reason(hours, jeanne, login):
    browser = login(jeanne)
    browser.post(reverse("hours_review", args=[hours.pk]), {"action": "validate"})
    response = browser.post(
        reverse("hours_review", args=[hours.pk]), {"action": "validate"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="errors"' in html and f'id="hours-{hours.pk}"' in html


def test_the_helpper_cannot_confirm_their_own_hours_with_htmx(hours, pieter, login):
    response = login(pieter).post(
        reverse("hours_review", args=[hours.pk]), {"action": "validate"}, **HTMX
    )
    assert response.status_code == 403
    hours.refresh_from_db()
    assert hours.status == HoursLog.Status.SUBMITTED


def test_the_lists_that_htmx_answers_swap_into_announce_the_answer(
    invitation, hours, pieter, jeanne, login
):
    """The live region must be on the page before the swap for screen readers to speak it."""
    cards, rows = '<ul class="cards" aria-live="polite">', '<ul class="rows" aria-live="polite">'
    assert cards in page(login(pieter).get(reverse("home")))
    assert cards in page(login(pieter).get(reverse("invitations")))
    assert rows in page(login(jeanne).get(reverse("home")))
    assert "js/swap-focus.js" in page(login(jeanne).get(reverse("home")))
