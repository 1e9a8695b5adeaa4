"""The benchmarks' own databases, beside the project's on the same PostgreSQL server."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from config.env import database_url


def with_database(url: str, name: str) -> str:
    """The same server, another database, as a libpq URL (psycopg does not know postgis://)."""
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, f"/{name}", parts.query, ""))


def own_database(root: Path, name: str) -> str:
    """Create the database `name` if missing, with PostGIS; returns its URL."""
    url = with_database(database_url(root), name)
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not found.fetchone():
            print(f"==> Creating database {name}")
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    with psycopg.connect(url, autocommit=True) as database:
        database.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    return url
