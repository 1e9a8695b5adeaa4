"""Test settings: the real database (PostGIS), fast hashing, tasks run at once, mail kept."""

from config.env import env_str
from config.settings import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
ACCOUNT_RATE_LIMITS = False
GEOCODER = "offline"
# The API's write throttles stay on, far out of the way (tests/api sets them low to see a 429).
API_WRITE_RATE_USER = "10000/min"
API_WRITE_RATE_IP = "10000/min"

# Several suites may run side by side on one server (one per working copy): each can name its
# own test database. The default is Django's ("test_" + the database's name).
if env_str("TEST_DATABASE_NAME", ""):
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME")}  # noqa: F405
