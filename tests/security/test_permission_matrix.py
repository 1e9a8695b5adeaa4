"""Who may open what: every named URL of the URL configuration against an explicit rules table.

The table says, for each URL name and each role of tests/security/world.py, what must happen:
ALLOWED (2xx, or 3xx anywhere but the login page), LOGIN (the anonymous visitor is sent to sign
in; the API answers 401), DENIED (403 or 404, never a hint of the thing), PAST_GATE (the admin:
a staff member gets past the staff gate; what they see then depends on their model permissions).
A new page or endpoint has no rule yet and fails `test_every_url_has_a_rule` with "add a rule
for <name>": Django's admin, allauth's pages and allauth's app endpoints included. Admin pages of
a registered model get the admin's staff-only rule by construction (`admin_rules`); any other
admin URL needs its own.

Someone else's object answers 404, not 403 (pages and API alike): a refusal of a URL with an
object in it must be a 404; `ANSWERS_403` lists the exceptions still to fix, with their file.

Pages are opened with GET. A POST-only view (`post=True`) is POSTed by the roles it must
refuse: they get 403, 404 or 405 (or the login page), never a 2xx, and the database does not
change. Every role a rule allows also POSTs an empty body (in a savepoint rolled back after):
no 5xx, no 403/404, no login page; a form error, a 400/409 or a redirect is fine (and a 405 on a
page that only reads).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from marketplace.models import User
from tests.api.conftest import session_token
from tests.mfa import mark_session_mfa
from tests.security import world as the_world
from tests.security.world import ROLES

ALLOWED, LOGIN, DENIED, PAST_GATE = "allowed", "login", "denied", "past the gate"

# Whole parts of the URL configuration this matrix does not walk, and why.
SKIPPED_PREFIXES = {
    "static/": "static files (whitenoise), public by design",
}

# A stranger asking for an object URL gets 404. A 403 is right only for someone who does see
# the object but may not do this to it; each such (URL, role) is listed here with why. Any other
# 403 on an object URL fails the test, and so does an entry here that no longer answers 403.
SEES_BUT_MAY_NOT: dict[tuple[str, str], str] = {
    ("visit_release", "helppie_a"): "Jeanne sees the visit; handing it over is the helpper's",
    ("api:hours_validate", "helpper"): "Pieter sees his hours; answering them is the helppie's",
    ("hours_review", "helpper"): "Pieter sees his hours; answering them is the helppie's",
}

# Allowed POSTs that answer an empty body 404 instead of a form error (the view looks the
# posted id up with get_object_or_404), in files this test's owners may not change.
EMPTY_BODY_404 = {
    "account_confirm_email": "allauth: an unknown confirmation key answers 404 (by design)",
}

# URLs that answer 5xx today, left out of the matrix, each with a strict xfail below that turns
# red once it is fixed (remove the entry then).
KNOWN_5XX: dict[str, str] = {}

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
    app: bool = False  # allauth's app endpoints: the session token, not the browser's cookie
    gate: bool = False  # the admin: allowed roles only need to get past the staff gate
    # Statuses an allowed role's empty POST may also get (beyond 2xx, 3xx, 400, 409).
    post_ok: tuple[int, ...] = ()

    def expected(self, role: str) -> str | None:
        if role in self.unchecked:
            return None
        if role == "anonymous":
            return ALLOWED if "anonymous" in self.allowed else self.anonymous
        if role in self.allowed:
            return PAST_GATE if self.gate else ALLOWED
        return DENIED


def page(*allowed: str, args=None, anonymous: str = LOGIN, unchecked=(), app=False) -> Rule:
    return Rule(allowed=allowed, args=args, anonymous=anonymous, unchecked=unchecked, app=app)


def post(*allowed: str, args=None, anonymous: str = LOGIN, data=None, app=False, post_ok=()):
    return Rule(
        allowed=allowed,
        args=args,
        post=True,
        anonymous=anonymous,
        data=data,
        app=app,
        post_ok=post_ok,
    )


def admin_page(args=None) -> Rule:
    """Django's admin: staff only (anyone else is sent to the admin's sign-in page)."""
    return Rule(allowed=STAFF, args=args, gate=True)


EVERYONE = ("anonymous", *SIGNED_IN)

RULES: dict[str, Rule] = {
    # --- marketplace ---------------------------------------------------------------------
    "home": page(*EVERYONE),
    "request_create": page(*SIGNED_IN),
    # Hugo offered on the matched request and was not chosen: he still sees it (blurred, no
    # contact: test_the_helpper_not_chosen_sees_no_address), but not its visits.
    "request_detail": page(
        "helppie_a", *HELPPERS, *STAFF, args=lambda w: [w.matched.pk]
    ),  # fmt: skip
    "offer_create": post(*HELPPERS, args=lambda w: [w.open.pk], data={"message": "Moi aussi"}),
    # Helpper pages answer everyone signed in about themselves (nothing yet, or how to start).
    "near_me": page(*SIGNED_IN),
    "offer_accept": post("helppie_a", *STAFF, args=lambda w: [w.hugo_offer.pk]),
    "visit_done": post("helppie_a", "helpper", *STAFF, args=lambda w: [w.planned.pk]),
    "helpper_profile": page(*SIGNED_IN),
    "availability": page(*SIGNED_IN),
    # Only helppers have a calendar link to renew; 404 for the others.
    "calendar_renew": post(*HELPPERS),
    # A capability link for calendar apps: the token is the key, whoever holds it.
    "calendar_feed": page(*EVERYONE, args=lambda w: [w.calendar.token]),
    "intake": page(*STAFF),
    "helppers_to_vet": page(*STAFF),
    "helpper_vet": post(
        *STAFF, args=lambda w: [w.people["helpper"].helpper_profile.pk], data={"step": "approve"}
    ),
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
    "api:request": page("helppie_a", *HELPPERS, *STAFF, args=lambda w: [w.matched.pk]),  # fmt: skip
    "api:request_visits": page("helppie_a", "helpper", *STAFF, args=lambda w: [w.matched.pk]),
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
    # --- allauth's pages (/accounts/) ------------------------------------------------------
    # Signing in and up: a signed-in person is sent home.
    "account_login": page(*EVERYONE),
    "account_signup": page(*EVERYONE),
    "account_logout": page(*EVERYONE),
    "account_inactive": page(*EVERYONE),
    "account_email_verification_sent": page(*EVERYONE),
    "account_confirm_email": page(*EVERYONE, args=lambda w: ["not-a-key"]),
    "account_reset_password": page(*EVERYONE),
    "account_reset_password_done": page(*EVERYONE),
    "account_reset_password_from_key": page(*EVERYONE, args=lambda w: ["zz", "not-a-key"]),
    "account_reset_password_from_key_done": page(*EVERYONE),
    # A step of a sign-in in progress: without one, the visitor is sent to sign in.
    "account_confirm_login_code": page(*SIGNED_IN),
    "mfa_authenticate": page(*SIGNED_IN),
    # One's own account: signed in.
    "account_reauthenticate": page(*SIGNED_IN),
    "account_request_reauthentication_code": page(*SIGNED_IN),
    "account_confirm_reauthentication_code": page(*SIGNED_IN),
    "account_email": page(*SIGNED_IN),
    "account_change_password": page(*SIGNED_IN),
    "account_set_password": page(*SIGNED_IN),
    "mfa_index": page(*SIGNED_IN),
    "mfa_reauthenticate": page(*SIGNED_IN),
    "mfa_activate_totp": page(*SIGNED_IN),
    "mfa_generate_recovery_codes": page(*SIGNED_IN),
    # Only for someone with an authenticator (Nadia); 404 for the others.
    "mfa_deactivate_totp": page("worker"),
    # Nobody in this world has generated recovery codes: 404 for all.
    "mfa_view_recovery_codes": page(),
    "mfa_download_recovery_codes": page(),
    # --- allauth's app endpoints (/_allauth/app/v1/): 401 for the anonymous caller ----------
    "headless:app:config": page(*EVERYONE, app=True),
    "headless:app:account:login": post(*EVERYONE, app=True),
    "headless:app:account:signup": post(*EVERYONE, app=True),
    "headless:app:account:request_password_reset": post(*EVERYONE, app=True),
    "headless:app:account:reset_password": post(*EVERYONE, app=True),
    "headless:app:account:verify_email": post(*EVERYONE, app=True),
    "headless:app:account:resend_email_verification_code": post(*EVERYONE, app=True),
    "headless:app:account:verify_phone": post(*EVERYONE, app=True),
    "headless:app:account:resend_phone_verification_code": post(*EVERYONE, app=True),
    "headless:app:account:confirm_login_code": post(*EVERYONE, app=True),
    "headless:app:tokens:refresh": post(*EVERYONE, app=True),
    # The second step of a sign-in: 401 with the pending flows when there is none to finish.
    "headless:app:mfa:authenticate": post(*EVERYONE, app=True, post_ok=(401,)),
    "headless:app:account:current_session": page(*SIGNED_IN, app=True),
    "headless:app:account:manage_email": page(*SIGNED_IN, app=True),
    "headless:app:account:manage_phone": page(*SIGNED_IN, app=True),
    "headless:app:account:change_password": post(*SIGNED_IN, app=True),
    "headless:app:account:reauthenticate": post(*SIGNED_IN, app=True),
    "headless:app:account:request_reauthentication_code": post(*SIGNED_IN, app=True),
    "headless:app:account:confirm_reauthentication_code": post(*SIGNED_IN, app=True),
    "headless:app:account:resend_reauthentication_code": post(*SIGNED_IN, app=True),
    "headless:app:mfa:reauthenticate": post(*SIGNED_IN, app=True),
    "headless:app:mfa:authenticators": page(*SIGNED_IN, app=True),
    "headless:app:mfa:manage_totp": page("worker", app=True),
    "headless:app:mfa:manage_recovery_codes": page(app=True),
    # --- Django's admin (/admin/): staff only; the model pages come from admin_rules() --------
    "admin:login": page(*EVERYONE),  # staff are sent on to the index
    "admin:logout": post(*EVERYONE),  # the others are sent to the index, then to sign in
    "admin:index": admin_page(),
    "admin:password_change": admin_page(),
    "admin:password_change_done": admin_page(),
    "admin:autocomplete": admin_page(),
    "admin:jsi18n": admin_page(),
    "admin:app_list": admin_page(args=lambda w: ["marketplace"]),
    "admin:view_on_site": admin_page(
        args=lambda w: [ContentType.objects.get_for_model(User).pk, w.open.helppie_id]
    ),
    "admin:auth_user_password_change": admin_page(args=lambda w: [w.people["helppie_a"].pk]),
}

ADMIN_MODEL_PAGES = ("changelist", "add", "history", "delete", "change")


def admin_rules() -> dict[str, Rule]:
    """The admin's pages of every registered model: staff only, whatever the model. An object
    page opens the model's first row (or a missing one when the table is empty)."""

    def first_row(model):
        return lambda w: [getattr(model.objects.order_by("pk").first(), "pk", 0)]

    rules = {}
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        for suffix in ADMIN_MODEL_PAGES:
            with_object = suffix in {"history", "delete", "change"}
            rules[f"{info}_{suffix}"] = admin_page(args=first_row(model) if with_object else None)
    return rules


RULES.update(admin_rules())


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
    names = url_names()
    assert {"admin:index", "account_login", "headless:app:account:login"} <= names
    assert "api:cases" in names and "case_queue" in names


def test_a_new_admin_url_outside_the_model_pages_needs_a_rule():
    assert missing_rules({"admin:marketplace_user_changelist", "admin:refund_everyone"}) == [
        "add a rule for admin:refund_everyone"
    ]


def fingerprint() -> dict:
    """Every row of the project's own apps, to see that a refused POST changed nothing."""
    rows = {}
    for label in ("marketplace", "matching", "referrals", "payments_stub", "privacy"):
        for model in apps.get_app_config(label).get_models():
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


def browser_for(role: str, world) -> Client:
    browser = Client(raise_request_exception=False)
    user = world.people[role]
    if user is not None:
        browser.force_login(user)
        if role == "worker":
            mark_session_mfa(browser, user)
    return browser


def app_for(role: str, world) -> APIClient:
    """An app signed in as the role (password, then the code for Nadia), or not signed in."""
    client = APIClient(raise_request_exception=False)
    user = world.people[role]
    if user is not None:
        client.credentials(HTTP_X_SESSION_TOKEN=session_token(user))
    return client


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


def matches(got: str, expected: str) -> bool:
    if expected == PAST_GATE:
        return got in (ALLOWED, DENIED)  # DENIED here: a 403/404 of the admin's permissions
    return got == expected


def is_refusal(response) -> bool:
    """Not done: 401/403/404/405, a sign-in page, or a page's redirect with its error message
    (forms answer a refused action so); the unchanged database is checked beside it."""
    return not 200 <= response.status_code < 300


def send(client, rule: Rule, url: str, method: str, data=None):
    if rule.app or url.startswith("/api/"):
        return getattr(client, method)(url, data or {}, format="json")
    return getattr(client, method)(url, data or {})


def empty_post_problem(response, rule: Rule) -> str | None:
    """What is wrong with an allowed role's empty POST, if anything."""
    status = response.status_code
    if status >= 500:
        return f"status {status}"
    if status in (403, 404) or to_login(response):
        return f"refused ({status} {response.get('Location', '')})".strip()
    if status == 405 and rule.post:
        return "405 on a POST endpoint"
    if status == 401 and status not in rule.post_ok:
        return "401"
    return None


@pytest.fixture
def world(db):
    cache.clear()
    yield the_world.build()
    cache.clear()


def check_refused_post(name, rule, url, role, client, world, failures, forbidden):
    before = fingerprint()
    data = rule.data(world) if callable(rule.data) else rule.data or {}
    response = send(client, rule, url, "post", data)
    if response.status_code == 403 and rule.args:
        forbidden.add((name, role))
    if not is_refusal(response):
        failures.append(f"{name} POST by {role}: {response.status_code}, not refused")
    elif fingerprint() != before:
        failures.append(f"{name} POST by {role}: refused but the database changed")


def test_every_role_gets_what_the_table_says(world):
    browsers = {role: browser_for(role, world) for role in ROLES}
    apps_ = {role: app_for(role, world) for role in ROLES}
    failures, forbidden = [], set()
    for name in sorted(url_names() - set(KNOWN_5XX)):
        rule = RULES.get(name)
        if rule is None:
            continue  # reported by test_every_url_has_a_rule
        url = reverse(name, args=rule.args(world) if rule.args else None)
        for role in ROLES:
            expected = rule.expected(role)
            client = apps_[role] if rule.app else browsers[role]
            if expected is None or (rule.post and expected != DENIED):
                continue  # allowed POSTs: test_allowed_roles_can_post_without_an_error
            if rule.post:
                check_refused_post(name, rule, url, role, client, world, failures, forbidden)
                continue
            response = send(client, rule, url, "get")
            got = outcome(response, role)
            if expected == DENIED and response.status_code == 403 and rule.args:
                forbidden.add((name, role))
            if not matches(got, expected):
                failures.append(f"{name} GET by {role}: {got}, expected {expected} ({url})")
    failures += [
        f"{name} by {role}: 403 for an object; a stranger gets 404 (or list it in SEES_BUT_MAY_NOT)"
        for name, role in sorted(forbidden - set(SEES_BUT_MAY_NOT))
    ]
    failures += [
        f"{name} by {role}: no 403 any more, remove it from SEES_BUT_MAY_NOT"
        for name, role in sorted(set(SEES_BUT_MAY_NOT) - forbidden)
        if name not in EMPTY_BODY_404 and RULES[name].expected(role) == DENIED
    ]
    assert not failures, "\n".join(failures)


def test_allowed_roles_can_post_without_an_error(world):
    """An empty (so invalid, or minimal) POST by every allowed role: no crash, no refusal.
    Each runs in a savepoint rolled back after, with a browser of its own."""
    apps_ = {role: app_for(role, world) for role in ROLES}
    failures = []
    for name in sorted(url_names() - set(KNOWN_5XX)):
        rule = RULES.get(name)
        if rule is None or rule.gate or name.startswith("admin:"):
            continue  # the admin's own forms are Django's business
        url = reverse(name, args=rule.args(world) if rule.args else None)
        for role in rule.allowed:
            with transaction.atomic():
                client = apps_[role] if rule.app else browser_for(role, world)
                response = send(client, rule, url, "post")
                transaction.set_rollback(True)
            cache.clear()  # throttle and rate-limit counts are not rolled back
            problem = empty_post_problem(response, rule)
            if response.status_code == 404 and name in EMPTY_BODY_404:
                problem = None
            if response.status_code == 403 and (name, role) in SEES_BUT_MAY_NOT:
                problem = None
            if problem:
                failures.append(f"{name} POST by {role}: {problem}")
    assert not failures, "\n".join(failures)


def test_the_apps_phone_endpoint_answers_without_an_error(world):
    """Phone numbers are not a way to sign in here: the app's endpoint says there is none."""
    url = reverse("headless:app:account:manage_phone")
    assert app_for("helppie_a", world).get(url).status_code < 500


def test_the_known_errors_are_real_urls():
    assert set(KNOWN_5XX) <= url_names() and set(KNOWN_5XX) <= set(RULES)


def test_the_helpper_not_chosen_sees_no_address(world):
    """The rules let Hugo open the request he offered on; what he sees stays blurred."""
    hugo = browser_for("helpper_other", world)
    page_ = hugo.get(reverse("request_detail", args=[world.matched.pk])).content.decode()
    api = app_for("helpper_other", world).get(f"/api/v1/requests/{world.matched.pk}/")
    for seen in (page_, api.content.decode()):
        assert "Rue du Trône" not in seen and "Dupont" not in seen
