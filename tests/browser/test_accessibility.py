"""Every page passes axe-core's WCAG 2.0/2.1/2.2 A and AA rules (forms showing their errors:
test_form_errors.py); nothing scrolls sideways at 200 % zoom; the keyboard reaches the skip link
first."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import URLPattern, URLResolver, get_resolver

from tests import factories
from tests.browser import world as the_world
from tests.browser.conftest import axe, axe_report, sign_in

ROLES = ["anonymous", "helppie", "helpper", "staff"]


def walk(page, world, role: str):
    """Sign in as the role's person, then open each of their pages in turn: yields (key, url)."""
    if world.people[role] is not None:
        sign_in(page, world.people[role])
    for key, who, url in world.pages():
        if who != role:
            continue
        response = page.goto(url)
        assert response.status == 200, f"{key} ({url}) answered {response.status} to the {role}"
        yield key, url


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_and_reflows_at_200_percent_zoom(role, page):
    """Each page once: axe at 1024 px, then at 640 px (a 1280 px screen zoomed to 200 %) nothing
    may push the page sideways."""
    world = the_world.build()
    failures = []
    for key, url in walk(page, world, role):
        failures += axe_and_reflow(page, f"{key} {url}")
    assert not failures, "\n".join(failures)


def axe_and_reflow(page, what: str) -> list[str]:
    """What fails on the open page: axe at its width, then sideways scrolling at 640 px."""
    failures = []
    violations = axe(page)
    if violations:
        failures.append(f"--- {what}\n{axe_report(violations)}")
    page.set_viewport_size({"width": 640, "height": 720})
    wide, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if wide > window:
        failures.append(f"--- {what}: {wide} px wide in a {window} px window at 200 %")
    page.set_viewport_size({"width": 1024, "height": 800})
    return failures


@pytest.mark.django_db(transaction=True)
def test_the_homes_in_larger_text_pass_axe_and_reflow_at_200_percent_zoom(new_page):
    """The "larger text" switch: pressed once, it holds on the next pages (a cookie); each home
    in larger text passes axe and still fits 640 px."""
    world = the_world.build()
    page = new_page()
    page.goto("/")
    with page.expect_navigation():
        page.locator(".preferences button[name=size][value=large]").press("Enter")
    page.goto(world.url("account_login"))
    assert page.locator("html.text-large").count() == 1, "the larger text did not hold"
    switch = page.locator(".preferences button[name=size]")
    assert switch.get_attribute("aria-pressed") == "true"
    page.goto("/")
    failures = axe_and_reflow(page, "home (larger text)")
    for role in ("helppie", "helpper", "staff"):
        page = new_page(large_text=True)
        sign_in(page, world.people[role])
        assert page.evaluate("location.pathname") == "/", page.url  # signed in, at home
        assert page.locator("html.text-large").count() == 1
        failures += axe_and_reflow(page, f"home@{role} (larger text)")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db(transaction=True)
def test_the_error_pages_pass_axe_too(page):
    """404 in the site's layout, for a visitor and a signed-in person; 500 standing alone. (No
    world needed: an error page shows nothing of anyone's.)"""
    people = {"anonymous": None, "helppie": factories.UserFactory(is_helppie=True)}
    failures = []
    for key, (role, url, status) in the_world.ERROR_PAGES.items():
        if people[role] is not None:
            sign_in(page, people[role])
        response = page.goto(url)
        assert response.status == status, f"{key} ({url}) answered {response.status}"
        violations = axe(page)
        if violations:
            failures.append(f"--- {key} {url}\n{axe_report(violations)}")
    page.set_content(render_to_string("500.html"))
    violations = axe(page)
    if violations:
        failures.append(f"--- 500\n{axe_report(violations)}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db(transaction=True)
def test_the_first_tab_reaches_the_skip_link_which_moves_focus_to_the_content(page):
    the_world.build()
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.className, document.activeElement.getAttribute('href')]"
    )
    assert focused == ["skip-link", "#main"]
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


def _page_names(patterns, prefix="") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            route = str(pattern.pattern)
            if route.startswith(("admin/", "api/", "_allauth/", "accounts/")):
                continue
            names |= _page_names(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


def test_every_page_of_the_url_configuration_is_walked():
    """A new page view must join world.PAGES (with who opens it), POST_ONLY or NOT_PAGES."""
    walked = {key.split("@")[0] for key in the_world.PAGES}
    known = walked | the_world.POST_ONLY | the_world.NOT_PAGES
    missing = _page_names(get_resolver().url_patterns) - known
    assert not missing, f"pages no browser test opens: {sorted(missing)}"


def test_the_axe_helper_reports_what_is_wrong(page):
    """The checks above are only worth something if axe does fail a page with a known fault."""
    page.set_content('<html lang="fr"><body><main><input type="text"></main></body></html>')
    violations = axe(page)
    assert "label" in {violation["id"] for violation in violations}
    assert "label" in axe_report(violations)
