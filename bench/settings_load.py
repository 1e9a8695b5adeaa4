"""Settings for `make bench-load` (bench/load.py): the production settings plus one bare view.

bench/load.py sets DJANGO_ENV=production (DEBUG off, manifest static files, a random
DJANGO_SECRET_KEY per run) and DATABASE_URL to its own database before this module is read.
The project has no HTTPS redirect setting, so plain HTTP on loopback needs no change.
"""

import os

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR, STORAGES

ROOT_URLCONF = "bench.load_urls"
# collectstatic for the manifest storage goes here, beside (never into) the site's own folder.
STATIC_ROOT = BASE_DIR / ".run" / "bench_static"

# When collectstatic fails (bench/load.py says why), pages are served with plain static names
# rather than not at all: static files are not what this bench measures.
if os.environ.get("LOAD_STATIC_STORAGE") == "plain":
    STORAGES = {
        **STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    WHITENOISE_USE_FINDERS = True
