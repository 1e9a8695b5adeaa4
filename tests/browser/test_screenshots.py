"""The last browser test: a picture of each home page for the README (docs/screenshots/)."""

from __future__ import annotations

import pytest

from tests.browser import world as the_world
from tests.browser.conftest import SCREENSHOTS, sign_in

HOMES = {"welcome": None, "helppie": "helppie", "helpper": "helpper", "staff": "staff"}


@pytest.mark.django_db(transaction=True)
def test_a_screenshot_of_each_home(new_page):
    world = the_world.build()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, role in HOMES.items():
        page = new_page(width=1024, height=768)
        if role is not None:
            sign_in(page, world.people[role])
        page.goto("/")
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000, f"{path} looks empty"
