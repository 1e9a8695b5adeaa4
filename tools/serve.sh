#!/usr/bin/env bash
# Serve the site with gunicorn and run one background task worker beside it; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py db_worker --interval 1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
echo "==> Serving on http://127.0.0.1:8000 (Ctrl-C to stop); task worker pid $worker"
.venv/bin/gunicorn config.wsgi --bind 127.0.0.1:8000 --workers 2 --access-logfile - --log-level warning
