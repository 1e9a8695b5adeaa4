"""Who may open what: every named URL of the URL configuration against an explicit rules table.

The table says, for each URL name and each role of tests/security/world.py, what must happen:
ALLOWED (2xx, or 3xx anywhere but the login page), LOGIN (the anonymous visitor is sent to sign
in; the API answers 401), DENIED (403 or 404, never a hint of the thing). A new page or endpoint
has no rule yet and fails `test_every_url_has_a_rule` with "add a rule for <name>".

Pages are opened with GET. A POST-only view (`post=True`) is only POSTed by the roles it must
refuse: they get 403, 404 or 405 (or the login page), never a 2xx, and the database does not
change. What allowed roles can do with a POST is the business of each app's own tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.mfa import mark_session_mfa
from tests.security import world as the_world
from tests.security.world import ROLES

ALLOWED, LOGIN, DENIED = "allowed", "login", "denied"

# Whole parts of the URL configuration this matrix does not walk, and why.
SKIPPED_PREFIXES = {
    "admin/": "Django's admin: staff only by Django itself (is_staff), tested by Django",
    "accounts/": "allauth's own account and MFA pages: tests/security/test_mfa.py and allauth",
    "_allauth/": "allauth's headless API (app login, tokens, 2FA): tests/api and test_mfa.py",
    "static/": "static files (whitenoise), public by design",
}

SIGNED_IN = ("helppie_a", "helppie_b", "helpper_other", "helpper", "staff", "worker")
HELPPERS = ("helpper_other", "helpper")
STAFF = ("staff", "worker")


@dataclass(frozen=True)
class Rule:
    allowed: tuple[str, ...]
    args: Callable[[the_world.World], list] | None = None
    post: bool = False
    data: dict | None = None  # a well-formed body, so that access (not validation) decides
    anonymous: str = LOGIN
    # Roles neither allowed nor denied by design (their answer depends on data, not on rights).
    unchecked: tuple[str, ...] = field(default=())

    def expected(self, role: str) -> str | None:
        if role in self.unchecked:
            return None
        if role == "anonymous":
            return ALLOWED if "anonymous" in self.allowed else self.anonymous
        return ALLOWED if role in self.allowed else DENIED


def page(*allowed: str, args=None, anonymous: str = LOGIN, unchecked=()) -> Rule:
    return Rule(allowed=allowed, args=args, anonymous=anonymous, unchecked=unchecked)


def post(*allowed: str, args=None, anonymous: str = LOGIN, data=None) -> Rule:
    return Rule(allowed=allowed, args=args, post=True, anonymous=anonymous, data=data)


EVERYONE = ("anonymous", *SIGNED_IN)

RULES: dict[str, Rule] = {
    # --- marketplace ---------------------------------------------------------------------
    "home": page(*EVERYONE),
    "request_create": page(*SIGNED_IN),
    "request_detail": page(
        "helppie_a", "helpper", *STAFF, args=lambda w: [w.matched.pk], unchecked=("helpper_other",)
    ),
    "offer_create": post(*HELPPERS, args=lambda w: [w.open.pk], data={"message": "Moi aussi"}),
    # Helpper pages answer everyone signed in about themselves (nothing yet, or how to start).
    "near_me": page(*SIGNED_IN),
    "offer_accept": post("helppie_a", *STAFF, args=lambda w: [w.hugo_offer.pk]),
    "visit_done": post("helppie_a", "helpper", *STAFF, args=lambda w: [w.planned.pk]),
    "helpper_profile": page(*SIGNED_IN),
    "availability": page(*SIGNED_IN),
    "calendar_renew": post(*SIGNED_IN),
    # A capability link for calendar apps: the token is the key, whoever holds it.
    "calendar_feed": page(*EVERYONE, args=lambda w: [w.calendar.token]),
    "intake": page(*STAFF),
    "messages": page(*SIGNED_IN),
    "conversation": page(
        "helppie_a", "helpper", *STAFF, args=lambda w: [w.matched.pk, w.people["helpper"].pk]
    ),
    "language_set": post(*EVERYONE),
    "text_size_set": post(*EVERYONE),
    # --- matching ------------------------------------------------------------------------
    "invitations": page(*SIGNED_IN),
    "invitation_answer": post("helpper", args=lambda w: [w.invitation.pk]),
    "request_matching": page(*STAFF, args=lambda w: [w.open.pk]),
    "week_planner": page(*STAFF),
    "visit_release": post("helpper", *STAFF, args=lambda w: [w.planned.pk]),
    "backup_choose": post("helppie_a", *STAFF, args=lambda w: [w.matched.pk]),
    # --- referrals: cases for the permission holder only (with MFA: test_mfa.py) -----------
    "case_queue": page("worker", anonymous=DENIED),
    "case_detail": page("worker", args=lambda w: [w.case.pk], anonymous=DENIED),
    "case_move": post(
        "worker", args=lambda w: [w.case.pk], anonymous=DENIED, data={"to": "accepted"}
    ),
    "case_consent": post("worker", args=lambda w: [w.case.pk], anonymous=DENIED),
    "case_referral": post("worker", args=lambda w: [w.case.pk], anonymous=DENIED),
    "case_alert": post("worker", args=lambda w: [w.case.pk], anonymous=DENIED),
    "social_map": page(*STAFF, anonymous=DENIED),
    "service_edit": page(*STAFF, args=lambda w: [w.service.pk], anonymous=DENIED),
    "my_consents": page(*SIGNED_IN),
    "consent_withdraw": post("helppie_a", "worker", args=lambda w: [w.consent.pk]),
    "talk_to_coordinator": post(*SIGNED_IN),
    "notice_dismiss": post(*SIGNED_IN),
    "visit_report": page("helpper", args=lambda w: [w.unlogged.pk]),
    # --- payments --------------------------------------------------------------------------
    "earnings": page(*SIGNED_IN),
    "hours_log": page("helpper", args=lambda w: [w.unlogged.pk]),
    "hours_review": page("helppie_a", "helpper", *STAFF, args=lambda w: [w.hours.pk]),
    "statements": page(*SIGNED_IN),
    "statement": page("helppie_a", *STAFF, args=lambda w: [w.statement.pk]),
    "statement_csv": page("helppie_a", *STAFF, args=lambda w: [w.statement.pk]),
    # Only for a year with earnings: Pieter's; 404 for everyone else.
    "certificate": page("helpper", args=lambda w: [the_world.last_month().year]),
    "mutuality": page(*SIGNED_IN),
    "billing_overview": page(*STAFF),
    "statement_refund": post(*STAFF, args=lambda w: [w.statement.pk], data={"reason": "Erreur"}),
    "disputes": page(*STAFF),
    "dispute_settle": page(*STAFF, args=lambda w: [w.disputed.pk]),
    # --- privacy ---------------------------------------------------------------------------
    "my_data": page(*SIGNED_IN),
    "my_data_download": page(*SIGNED_IN),
    "erase_account": page(*SIGNED_IN),
    # --- the API (/api/v1/): 401 for the anonymous caller ----------------------------------
    "api:me": page(*SIGNED_IN),
    "api:requests": page(*SIGNED_IN),
    "api:request": page(
        "helppie_a", "helpper", *STAFF, args=lambda w: [w.matched.pk], unchecked=("helpper_other",)
    ),  # fmt: skip
    "api:request_visits": page(
        "helppie_a", "helpper", *STAFF, args=lambda w: [w.matched.pk], unchecked=("helpper_other",)
    ),  # fmt: skip
    # Helppers in range see their own offers on an open request; Bob is out of range.
    "api:request_offers": page("helppie_a", *HELPPERS, *STAFF, args=lambda w: [w.open.pk]),
    "api:offer_accept": post("helppie_a", *STAFF, args=lambda w: [w.hugo_offer.pk]),
    "api:feed": page(*SIGNED_IN),
    "api:invitations": page(*SIGNED_IN),
    "api:invitation_answer": post(
        "helpper", args=lambda w: [w.invitation.pk], data={"interested": True}
    ),
    "api:earnings": page(*SIGNED_IN),
    "api:visits": page(*SIGNED_IN),
    "api:visit": page("helppie_a", "helpper", *STAFF, args=lambda w: [w.planned.pk]),
    "api:visit_done": post("helppie_a", "helpper", *STAFF, args=lambda w: [w.planned.pk]),
    "api:visit_hours": post(
        "helpper",
        args=lambda w: [w.unlogged.pk],
        data=lambda w: {
            "started_at": w.unlogged.starts_at.isoformat(),
            "ended_at": w.unlogged.ends_at.isoformat(),
            "break_minutes": 0,
        },
    ),
    "api:hours": page(*SIGNED_IN),
    "api:hours_validate": post("helppie_a", *STAFF, args=lambda w: [w.hours.pk]),
    # The helppie questions hours, or a coordinator does it for them (phone-registered people).
    "api:hours_dispute": post(
        "helppie_a", *STAFF, args=lambda w: [w.hours.pk], data={"reason": "Parti plus tôt"}
    ),
    "api:statements": page(*SIGNED_IN),
    "api:statement": page("helppie_a", *STAFF, args=lambda w: [w.statement.pk]),
    "api:conversations": page(*SIGNED_IN),
    "api:thread": page(
        "helppie_a", "helpper", *STAFF, args=lambda w: [w.matched.pk, w.people["helpper"].pk]
    ),  # fmt: skip
    "api:cases": page("worker"),
    "api:case": page("worker", args=lambda w: [w.case.pk]),
    "api:case_move": post("worker", args=lambda w: [w.case.pk], data={"to": "accepted"}),
    "api:social_map": page(*STAFF),
    # The OpenAPI schema and its documentation page describe the API to anyone.
    "api:schema": page(*EVERYONE),
    "api:docs": page(*EVERYONE),
}


def url_names(patterns=None, prefix: str = "", namespace: str | None = None) -> set[str]:
    """Every named URL, namespaced ("api:cases"), minus the skipped parts."""
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        skipped = route.startswith(tuple(SKIPPED_PREFIXES))
        if isinstance(pattern, URLResolver):
            if skipped:
                continue
            inner = pattern.namespace
            space = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            names |= url_names(pattern.url_patterns, route, space)
        elif isinstance(pattern, URLPattern) and pattern.name and not skipped:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def missing_rules(names: set[str]) -> list[str]:
    return [f"add a rule for {name}" for name in sorted(names - set(RULES))]


def test_every_url_has_a_rule():
    problems = missing_rules(url_names())
    stale = sorted(set(RULES) - url_names())
    problems += [f"remove the rule for {name}: no such URL any more" for name in stale]
    assert not problems, "\n".join(problems)


def test_a_url_without_a_rule_is_named_in_the_failure():
    assert missing_rules({"home", "brand_new_page"}) == ["add a rule for brand_new_page"]


def test_the_skips_are_explained():
    assert all(reason.strip() for reason in SKIPPED_PREFIXES.values())
    assert "admin:index" not in url_names() and "account_login" not in url_names()
    assert "api:cases" in url_names() and "case_queue" in url_names()


def fingerprint() -> dict:
    """Every row of the project's own apps, to see that a refused POST changed nothing."""
    rows = {}
    for label in ("marketplace", "matching", "referrals", "payments_stub", "privacy"):
        for model in apps.get_app_config(label).get_models():
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


def browser_for(role: str, world) -> Client:
    browser = Client()
    user = world.people[role]
    if user is not None:
        browser.force_login(user)
        if role == "worker":
            mark_session_mfa(browser, user)
    return browser


def to_login(response) -> bool:
    """A redirect to a sign-in page: ours, or the admin's (`staff_member_required`)."""
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    return location.startswith((reverse("account_login"), reverse("admin:login")))


def outcome(response, role: str) -> str:
    status = response.status_code
    if status == 401 or to_login(response):
        # For someone signed in, being sent to sign in (again) is a refusal.
        return LOGIN if role == "anonymous" else DENIED
    if status in (403, 404, 405):
        return DENIED
    if 200 <= status < 400:
        return ALLOWED
    return f"status {status}"


def is_refusal(response) -> bool:
    """Not done: 401/403/404/405, a sign-in page, or a page's redirect with its error message
    (forms answer a refused action so); the unchanged database is checked beside it."""
    return not 200 <= response.status_code < 300


@pytest.fixture
def world(db):
    cache.clear()
    yield the_world.build()
    cache.clear()


def test_every_role_gets_what_the_table_says(world):
    browsers = {role: browser_for(role, world) for role in ROLES}
    failures = []
    for name in sorted(url_names()):
        rule = RULES.get(name)
        if rule is None:
            continue  # reported by test_every_url_has_a_rule
        url = reverse(name, args=rule.args(world) if rule.args else None)
        for role in ROLES:
            expected = rule.expected(role)
            if expected is None:
                continue
            if rule.post:
                if expected == ALLOWED:
                    continue
                before = fingerprint()
                data = rule.data(world) if callable(rule.data) else rule.data or {}
                if name.startswith("api:"):
                    response = browsers[role].post(url, data, content_type="application/json")
                else:
                    response = browsers[role].post(url, data)
                if not is_refusal(response):
                    failures.append(f"{name} POST by {role}: {response.status_code}, not refused")
                elif fingerprint() != before:
                    failures.append(f"{name} POST by {role}: refused but the database changed")
                continue
            got = outcome(browsers[role].get(url), role)
            if got != expected:
                failures.append(f"{name} GET by {role}: {got}, expected {expected} ({url})")
    assert not failures, "\n".join(failures)
