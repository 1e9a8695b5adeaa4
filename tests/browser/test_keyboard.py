"""With the keyboard alone: Jeanne signs in and posts a request in French without a single click,
and wherever the focus goes it can be seen; Pieter answers an invitation on his home page, htmx
swaps the answer in without loading the page, and the focus lands on it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.models import HelpRequest, Offer
from tests import factories
from tests.browser.conftest import assert_accessible
from tests.browser.test_journeys import jeanne_in_ixelles, pieter_nearby
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

# What has the focus, and whether it shows: an outline or a ring (box-shadow), on a visible box.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const ring = style.boxShadow && style.boxShadow !== "none";
  return {
    html: el.outerHTML.slice(0, 120),
    value: el.value || "",
    shown: (outline || ring) && box.width > 0 && box.height > 0,
  };
}"""


def press(page, key: str) -> dict:
    """Press a key; the focus must then be on something, visibly."""
    page.keyboard.press(key)
    focused = page.evaluate(FOCUSED)
    assert focused is not None, f"after {key} nothing has the focus on {page.url}"
    assert focused["shown"], f"after {key} the focus cannot be seen: {focused['html']}"
    return focused


def tab_to(page, selector: str, *, key: str = "Tab", limit: int = 80) -> None:
    """Tab (or Shift+Tab) until the focus is on `selector`, checking the focus at every stop."""
    for _ in range(limit):
        press(page, key)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{limit} × {key} never reached {selector} on {page.url}")


def choose_radio(page, name: str, value: str) -> None:
    """Into the group with Tab, along it with the arrow keys, Space to be sure it is chosen."""
    tab_to(page, f"input[name={name}]")
    for _ in range(20):
        if page.evaluate("document.activeElement.value") == value:
            break
        press(page, "ArrowDown")
    press(page, "Space")
    assert page.locator(f"input[name={name}][value={value}]").is_checked()


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def type_date(page, selector: str, day) -> None:
    """Day, month and year in the order the browser shows them: Chromium orders the parts of a
    date input by its own locale, not the page's (dd/mm/yyyy or mm/dd/yyyy); a person reads the
    order off the screen, the test types day first and, if that was wrong, goes back and types
    month first."""
    type_into(page, selector, day.strftime("%d%m%Y"))
    if page.input_value(selector) != day.isoformat():
        press(page, "Shift+Tab")
        press(page, "Shift+Tab")
        page.keyboard.type(day.strftime("%m%d%Y"))
    assert page.input_value(selector) == day.isoformat()


def enter_and_wait(page, key: str = "Enter") -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def sign_in_by_keyboard(page, user) -> None:
    page.goto("/accounts/login/")
    type_into(page, "input[name=login]", user.email)
    type_into(page, "input[name=password]", PASSWORD)
    enter_and_wait(page)
    assert page.evaluate("location.pathname") == "/", f"{user.email} is at {page.url}"


def test_jeanne_posts_a_request_with_the_keyboard_alone_and_always_sees_the_focus(page):
    jeanne = jeanne_in_ixelles()
    sign_in_by_keyboard(page, jeanne)

    tab_to(page, "a[href='/requests/new/']")
    enter_and_wait(page)
    assert page.locator("h1").inner_text() == "Demander de l'aide"

    choose_radio(page, "category", "shopping")
    type_into(page, "textarea[name=description]", "Les courses du jeudi, le lait est lourd.")
    if page.locator("select[name=place]").count():
        tab_to(page, "select[name=place]")
        press(page, "ArrowDown")  # her address, the first after "another address"
    choose_radio(page, "recurrence", "once")
    day = timezone.localdate() + timedelta(days=3)
    type_date(page, "input[name=starts_on]", day)
    # 10:00, or 10:00 AM where the browser's own locale counts hours in twelve ("A" is ignored
    # where it does not).
    type_into(page, "input[name=start_time]", "1000A")
    assert page.input_value("input[name=starts_on]") == day.isoformat()
    assert page.input_value("input[name=start_time]") == "10:00"
    # A step back and forth: Shift+Tab shows the focus as well as Tab does.
    tab_to(page, "main form button[type=submit]")
    press(page, "Shift+Tab")
    press(page, "Tab")
    enter_and_wait(page)

    help_request = HelpRequest.objects.get(helppie=jeanne)
    assert help_request.description == "Les courses du jeudi, le lait est lourd."
    assert help_request.starts_on == day and help_request.category == "shopping"
    assert page.url.endswith(f"/requests/{help_request.pk}/")


def test_pieter_answers_an_invitation_at_home_and_the_focus_lands_on_the_answer(page):
    jeanne, pieter = jeanne_in_ixelles(), pieter_nearby()
    shopping = factories.help_request(helppie=jeanne, description="Des courses au Delhaize.")
    invitation = factories.invitation(shopping, pieter)
    card = f"#invitation-{invitation.pk}"
    sign_in_by_keyboard(page, pieter)
    page.evaluate("window.stillTheSamePage = true")  # gone if the whole page loads again

    tab_to(page, f"{card} button[value=yes]")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"{card}.answered")
    page.wait_for_function("id => document.activeElement.id === id", arg=card[1:])

    assert page.evaluate("window.stillTheSamePage === true"), "the page was loaded again"
    assert page.evaluate(FOCUSED)["shown"], "the focus on the answer cannot be seen"
    assert page.locator(f"{card} .message-success").is_visible()
    assert Offer.objects.filter(request=shopping, helpper=pieter).exists()
    assert_accessible(page, "home after the answer was swapped in")
