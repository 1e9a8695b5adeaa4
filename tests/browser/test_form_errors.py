"""Every form of the site, sent with empty or wrong input by the person who uses it, comes back
showing its errors, and still passes axe-core's WCAG 2.0/2.1/2.2 A and AA rules.

One case per form: who opens it, which page (a world.PAGES key), which form on the page, what is
typed, and anything the world needs first. Forms that answer with a redirect (a week or a month
that means nothing, a case that cannot move) show their error as a message at the top."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from referrals import services as referral_services
from tests.browser import world as the_world
from tests.browser.conftest import assert_accessible, sign_in

ERRORS = ".errors, .error-summary, .errorlist, [role=alert], .message-error"


@dataclass(frozen=True)
class Case:
    id: str
    role: str
    key: str  # a world.PAGES key
    fill: dict[str, str] = field(default_factory=dict)
    form: str = ""  # the form whose last submit button is pressed: by default the first one
    # holding the first field filled in, else the first form of <main>
    select: dict[str, str] = field(default_factory=dict)
    prepare: Callable[[the_world.World], None] | None = None


def _pieter_already_reported(world: the_world.World) -> None:
    referral_services.visit_report_submit(
        visit=world.unlogged_visit, helpper=world.pieter, concerns=[], text="Tout allait bien."
    )


CASES = [
    Case(
        "login",
        "anonymous",
        "account_login",
        {"input[name=login]": "nobody@example.org", "input[name=password]": "wrong"},
    ),
    Case("signup", "anonymous", "account_signup", {"input[name=email]": "not-an-email"}),
    Case("password-reset", "anonymous", "account_reset_password", {"input[name=email]": "x@"}),
    Case("request-empty", "helppie", "request_create", {"textarea[name=description]": ""}),
    Case(
        "request-invalid", "helppie", "request_create", {"input[name=hourly_allowance]": "99,999"}
    ),
    Case("intake", "staff", "intake", {"input[name=phone]": "not a phone"}),
    Case(
        "helpper-profile",
        "helpper",
        "helpper_profile",
        {"input[name=postcode]": "0000", "input[name=radius_km]": "-3"},
    ),
    Case(
        "availability-editor",
        "helpper",
        "availability",
        {"input[name=day0-0-start]": "18:00", "input[name=day0-0-end]": "09:00"},
    ),
    Case("hours-log", "helpper", "hours_log", {"input[name=started_at]": ""}),
    Case(
        "hours-dispute",
        "helppie",
        "hours_review",
        {"textarea[name=reason]": ""},
    ),
    Case(
        "mutuality",
        "helppie",
        "mutuality",
        {"input[name=member_number]": "12"},
    ),
    Case("erase-account", "helppie", "erase_account", {"input[name=password]": "not mine"}),
    Case("conversation", "helppie", "conversation", {"textarea[name=body]": ""}),
    Case("visit-report", "helpper", "visit_report", prepare=_pieter_already_reported),
    Case("dispute-settle", "staff", "dispute_settle", {"textarea[name=note]": ""}),
    Case(
        "service-edit",
        "staff",
        "service_edit",
        {"input[name=name_fr]": "", "input[name=url]": "pas une adresse"},
    ),
    Case(
        "case-move",
        "staff",
        "case_detail",
        select={"select[name=to]": "completed"},
    ),
    Case(
        "case-referral",
        "staff",
        "case_detail",
        {"input[name=follow_up_on]": ""},
    ),
    Case("week-planner", "staff", "week_planner", {"input[name=week]": "la semaine 3"}),
    Case("billing", "staff", "billing_overview", {"input[name=month]": "novembre"}),
]


def _form_of(case: Case) -> str:
    if case.form:
        return case.form
    first_field = next(iter(case.fill or case.select), None)
    return f"main form:has({first_field})" if first_field else "main form"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_form_showing_its_errors_passes_axe(case, page):
    world = the_world.build()
    if case.prepare:
        case.prepare(world)
    if world.people[case.role] is not None:
        sign_in(page, world.people[case.role])
    response = page.goto(world.url(case.key))
    assert response.status == 200, f"{case.key} answered {response.status} to the {case.role}"
    form = page.locator(_form_of(case)).first
    for selector, value in case.fill.items():
        form.locator(selector).fill(value)
    for selector, value in case.select.items():
        form.locator(selector).select_option(value)
    # Browsers would stop an empty required field themselves; the server must say it too.
    page.evaluate("document.querySelectorAll('form').forEach(f => f.noValidate = true)")
    with page.expect_navigation():
        form.locator("button[type=submit]").last.click()
    errors = page.locator(ERRORS)
    assert errors.count() > 0, f"no error shown on {page.url}:\n{page.inner_text('main')}"
    assert_accessible(page, f"{case.id} with errors")
