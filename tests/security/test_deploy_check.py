"""Production settings pass Django's deployment checklist, and every page carries a strict
Content Security Policy that still lets the map's tiles in."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.urls import reverse

BASE = Path(settings.BASE_DIR)


def production_env(**extra: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_")) and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="neighbourhelp.example.be",
        DATABASE_URL=os.environ.get("DATABASE_URL", "postgres://127.0.0.1:5432/neighbourhelp"),
        # The shared cache production needs (api.W001); the check never connects to it.
        REDIS_URL="redis://127.0.0.1:6379/0",
        **extra,
    )
    return env


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_is_silent_in_production():
    done = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNINGS" not in done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_the_deploy_check_does_complain_when_hsts_is_turned_off():
    """The check above is only worth something if it can fail."""
    done = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        env=production_env(DJANGO_SECURE_HSTS_SECONDS="0", DJANGO_SECURE_COOKIES="0"),
    )  # fmt: skip
    assert done.returncode != 0
    assert "security.W004" in done.stderr and "security.W012" in done.stderr


def test_the_deploy_check_warns_when_production_has_no_shared_cache():
    """Without REDIS_URL each worker would count throttles and login failures on its own."""
    env = production_env()
    del env["REDIS_URL"]
    done = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert done.returncode != 0
    assert "api.W001" in done.stderr and "REDIS_URL" in done.stderr


def test_the_cache_check_is_quiet_outside_production():
    env = production_env()
    env["DJANGO_ENV"] = "development"
    del env["REDIS_URL"]
    done = manage("check", "--deploy", env=env)
    assert "api.W001" not in done.stdout + done.stderr


def test_a_negative_proxy_count_stops_the_start():
    done = manage("check", env=production_env(DJANGO_TRUSTED_PROXY_COUNT="-1"))
    assert done.returncode != 0
    assert "DJANGO_TRUSTED_PROXY_COUNT" in done.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    done = manage("check", env=env)
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY" in done.stderr


def test_a_malformed_proxy_header_setting_stops_the_start():
    done = manage("check", env=production_env(DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED"))
    assert done.returncode != 0
    assert "DJANGO_SECURE_PROXY_SSL_HEADER" in done.stderr


def test_pages_carry_a_strict_policy_with_the_tile_server(client):
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert "https://tile.openstreetmap.org" in directives["img-src"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy


def test_no_template_has_inline_script_or_style():
    """The policy forbids them: they would silently stop working in the browser."""
    offenders = []
    for path in (BASE / "templates").rglob("*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{path}: inline <script>")
        if re.search(r"<style\b|\sstyle=\"|\son[a-z]+=\"", text):
            offenders.append(f"{path}: inline style or event handler")
    assert not offenders, "\n".join(offenders)
