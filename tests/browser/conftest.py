"""A real browser on a real server: Debian's Chromium driven by Playwright against pytest-django's
live server (PostGIS behind it). One browser for the whole run, a fresh context for each test.

Tests here need `@pytest.mark.django_db(transaction=True)`: the server answers from its own
thread and connection, so what a test creates must be committed to be seen."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings

from marketplace.views import TEXT_SIZE_COOKIE
from tests.factories import PASSWORD
from tests.mfa import code_for

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made from the test
# body are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    for needed, how in ((CHROMIUM, "apt-get install chromium"), (AXE_JS, "npm ci")):
        if not needed.exists():
            pytest.fail(f"{needed} is missing: run `make test` (or `{how}`) first.")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(language="nl", width=1024, large_text=True): a page in a context of its own
    (cookies, storage); large_text sets the cookie of the "larger text" switch."""
    contexts = []

    def make(
        *,
        language: str | None = None,
        width: int = 1024,
        height: int = 800,
        large_text: bool = False,
    ):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            locale={"nl": "nl-BE", "en": "en-GB"}.get(language or "", "fr-BE"),
        )
        context.set_default_timeout(10_000)
        host = live_server.url.split("//", 1)[1].split(":")[0]
        cookies = {
            settings.LANGUAGE_COOKIE_NAME: language,
            TEXT_SIZE_COOKIE: large_text and "large",
        }
        context.add_cookies(
            [
                {"name": name, "value": value, "domain": host, "path": "/"}
                for name, value in cookies.items()
                if value
            ]
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def sign_in(page, user, password: str = PASSWORD) -> None:
    """Through the real login form, as a person would (the user needs a verified address)."""
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    if "/accounts/2fa/authenticate/" in page.url:
        # Two-step sign-in (coordinators who see referral cases): the authenticator's code.
        page.fill("input[name=code]", code_for(user))
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
    assert "/accounts/login/" not in page.url, f"{user.email} could not sign in"
    assert "/accounts/2fa/" not in page.url, f"{user.email} could not pass the second step"


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe(page, *, exclude: list[str] | None = None) -> list[dict]:
    """Run axe-core on the page with the WCAG 2.0, 2.1 and 2.2 A and AA rules: the violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the devtools protocol, not as a <script>: the site's Content Security
        # Policy stays on during the tests and still forbids inline scripts.
        page.evaluate(f"() => {{ {_axe_source()} }}")
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    result = page.evaluate(
        "([context, options]) => axe.run(context || document, options)", [context, options]
    )
    return result["violations"]


def axe_report(violations: list[dict]) -> str:
    """One readable line per failing element: rule, impact, what is wrong, where."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {json.dumps(node['target'])} {node['html'][:140]}  {summary[:200]}")
    return "\n".join(lines)


def assert_accessible(page, what: str = "") -> None:
    violations = axe(page)
    assert not violations, f"axe on {what or page.url}:\n{axe_report(violations)}"
