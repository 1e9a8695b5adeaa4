"""Strict readers for settings that come from the environment.

Each reader fails loudly, naming the variable, when a value is present but malformed: a typo in
production should stop the process at start-up, not surface as odd behaviour later.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the environment variable {name}.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.strip().lower() in _TRUE:
        return True
    if raw.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_url(base_dir: Path) -> str:
    """DATABASE_URL, else the address the set-up script found (`.run/database_url`)."""
    if "DATABASE_URL" in os.environ:
        return os.environ["DATABASE_URL"]
    found = base_dir / ".run" / "database_url"
    if found.exists():
        return found.read_text().strip()
    return "postgres://127.0.0.1:5432/neighbourhelp"


def database_from_url(url: str) -> dict:
    """A Django DATABASES entry (PostGIS engine) from a postgres:// or postgis:// URL."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "postgis"}:
        raise ImproperlyConfigured(f"DATABASE_URL must be a postgres:// URL, not {url!r}.")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    host = query.pop("host", None) or (parts.hostname or "")
    # Our queries are short, index-driven lookups: JIT compilation and parallel workers cost
    # more than they save (JIT took 738 of 1,339 ms on a candidate search in bench/matching.py).
    query.setdefault("options", "-c jit=off -c max_parallel_workers_per_gather=0")
    return {
        "ENGINE": "django.contrib.gis.db.backends.postgis",
        "NAME": unquote(parts.path.lstrip("/")) or "neighbourhelp",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or ""),
        "OPTIONS": query,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
