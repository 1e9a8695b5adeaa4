#!/usr/bin/env bash
# Everything `make run` and `make test` need, installed or started only when missing:
# Debian packages, the virtual environment, a PostgreSQL server, the database with PostGIS.
# Safe to run again and again; a second run with nothing changed takes a couple of seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .run/static

DB_NAME=${DB_NAME:-neighbourhelp}
APT_PACKAGES=(postgresql-15 postgresql-15-postgis-3 libgdal32 gettext)
# The browser tests (tests/browser) drive Debian's Chromium and inject axe-core from npm.
WITH_BROWSER=${WITH_BROWSER:-0}
if [ "$WITH_BROWSER" = 1 ]; then
  APT_PACKAGES+=(chromium)
  command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(npm)
fi

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

install_system_packages() {
  local missing=()
  for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return
  say "Installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || { $sudo apt-get update -q && $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"; }
}

install_python_packages() {
  if [ ! -x .venv/bin/python ]; then
    say "Creating .venv"
    python3 -m venv .venv
  fi
  if [ ! -f .venv/.installed ] || [ pyproject.toml -nt .venv/.installed ]; then
    say "Installing Python packages"
    .venv/bin/pip install -q --disable-pip-version-check -e '.[dev]' 2> >(grep -v "is ignored: it is neither" >&2)
    touch .venv/.installed
  fi
}

# node_modules/ from package-lock.json, once: the stamp makes a second run free.
install_node_packages() {
  [ "$WITH_BROWSER" = 1 ] || return 0
  local stamp=node_modules/.installed
  if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
    say "Installing npm packages (axe-core)"
    npm ci --no-audit --no-fund --loglevel=error
    touch "$stamp"
  fi
}

can_connect() { psql "$1" -tAc 'select 1' >/dev/null 2>&1; }

find_or_start_postgres() {
  local server
  if [ -n "${DATABASE_URL:-}" ]; then
    echo "$DATABASE_URL" > .run/database_url
    return
  fi
  for server in "postgres://$(whoami)@127.0.0.1:5432/$DB_NAME" "postgres:///$DB_NAME?host=/var/run/postgresql"; do
    if can_connect "$(with_database "$server" postgres)"; then
      echo "$server" > .run/database_url; return
    fi
  done
  say "Starting PostgreSQL 15"
  [ -d /etc/postgresql/15/main ] || pg_createcluster 15 main
  pg_ctlcluster --skip-systemctl-redirect 15 main start || true
  for _ in $(seq 1 30); do pg_isready -q -h /var/run/postgresql && break; sleep 1; done
  local me; me=$(whoami)
  if [ "$me" != postgres ]; then
    su postgres -c "psql -tAc \"select 1 from pg_roles where rolname='$me'\"" | grep -q 1 \
      || su postgres -c "createuser --superuser '$me'"
  fi
  echo "postgres:///$DB_NAME?host=/var/run/postgresql" > .run/database_url
}

# The same server, another database: for psql, which does not know the postgis:// scheme.
with_database() {
  python3 -c 'import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
path = "/" + sys.argv[2] if sys.argv[2] else p.path
print(f"postgres://{p.netloc}{path}" + (f"?{p.query}" if p.query else ""))' "$1" "${2:-}"
}

create_database() {
  local url name
  url=$(with_database "$(cat .run/database_url)")
  name=$(python3 -c 'import sys, urllib.parse as u; print(u.urlsplit(sys.argv[1]).path.lstrip("/"))' "$url")
  if ! can_connect "$url"; then
    say "Creating database $name"
    psql "$(with_database "$url" postgres)" -qc "create database \"$name\""
  fi
  psql "$url" -qc "create extension if not exists postgis" 2>&1 | grep -v "already exists" || true
}

install_system_packages
install_python_packages
install_node_packages
find_or_start_postgres
create_database
