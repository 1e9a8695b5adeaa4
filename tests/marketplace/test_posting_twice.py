"""The same request form sent twice (a double click, a retry after a lost answer) posts once."""

import re
import uuid
from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace import services
from marketplace.models import HelpRequest, Visit
from tests.concurrency import race
from tests.marketplace.test_bad_input import valid_form


def shown_token(page) -> str:
    found = re.search(r'name="submission" value="([0-9a-f-]{36})"', page.content.decode())
    assert found, "the form carries its token"
    return found.group(1)


def test_sending_the_same_form_twice_posts_one_request(bob, login):
    browser = login(bob)
    form = valid_form(submission=shown_token(browser.get(reverse("request_create"))))
    first = browser.post(reverse("request_create"), form)
    again = browser.post(reverse("request_create"), form)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert HelpRequest.objects.filter(helppie=bob).count() == 1
    assert Visit.objects.filter(request__helppie=bob).count() == 1


def test_each_showing_of_the_form_is_a_new_request(bob, login):
    browser = login(bob)
    tokens = {shown_token(browser.get(reverse("request_create"))) for _ in range(2)}
    assert len(tokens) == 2
    for token in tokens:
        browser.post(reverse("request_create"), valid_form(submission=token))
    assert HelpRequest.objects.filter(helppie=bob).count() == 2


def test_a_form_refused_once_can_be_corrected_and_sent_with_the_same_token(bob, login):
    browser = login(bob)
    token = shown_token(browser.get(reverse("request_create")))
    refused = browser.post(reverse("request_create"), valid_form(submission=token, postcode="9999"))
    assert refused.status_code == 200 and shown_token(refused) == token
    assert not HelpRequest.objects.filter(helppie=bob).exists()
    browser.post(reverse("request_create"), valid_form(submission=token))
    assert HelpRequest.objects.filter(helppie=bob).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_five_times_at_once_posts_one_request(bob):
    token = uuid.uuid4()

    def send():
        services.help_request_post(
            helppie=bob,
            created_by=bob,
            submission=token,
            category="shopping",
            description="Des courses",
            schedule=services.Schedule(
                starts_on=timezone.localdate() + timedelta(days=2),
                start_time=time(10, 0),
                duration_minutes=60,
                recurrence=HelpRequest.Recurrence.ONCE,
                weekdays=(),
                ends_on=None,
            ),
            hourly_allowance_cents=800,
            languages=["fr"],
            street="Rue Haute 5",
            postcode="1000",
        )

    outcomes = race([send] * 5)
    assert outcomes == ["won"] * 5
    assert HelpRequest.objects.filter(helppie=bob, submission=token).count() == 1
