"""Settings, read once from the environment (see config/env.py and the README).

DJANGO_ENV is "development" (the default: `make run`, `manage.py` by hand) or "production",
which turns DEBUG off and requires DJANGO_SECRET_KEY; tests use config.settings_test.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import database_from_url, database_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = env_str("DJANGO_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be development or production, not {ENVIRONMENT!r}."
    )
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", None if PRODUCTION else "dev-only-not-secret")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.headless",
    "allauth.mfa",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "marketplace",
    "matching",
    "referrals",
    "payments_stub",
    "privacy",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "marketplace.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "marketplace.context_processors.display",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(database_url(BASE_DIR))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "marketplace.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email is the login; verification is mandatory before the first login.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "marketplace.forms.SignupDetailsForm"
ACCOUNT_ADAPTER = "marketplace.accounts.AccountAdapter"
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}

# How many proxies we run in front of gunicorn, each appending the address it saw to
# X-Forwarded-For. 0 (the default) ignores the header and takes REMOTE_ADDR: anyone can send an
# X-Forwarded-For, so trusting it unasked would give every request a fresh throttle and login
# rate-limit bucket. With n proxies the n-th address from the right is the client's. Read by
# allauth (login rate limits) and by DRF (REST_FRAMEWORK["NUM_PROXIES"]: the API's throttles).
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(
        f"DJANGO_TRUSTED_PROXY_COUNT must be 0 or more, not {TRUSTED_PROXY_COUNT}."
    )
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / ".run" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Serve straight from the app folders in development and tests: no collectstatic step.
WHITENOISE_USE_FINDERS = DEBUG or env_bool("WHITENOISE_USE_FINDERS", False)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Neighbourhelp <hello@neighbourhelp.localhost>")

# Throttles, login rate limits and the one-use check of authenticator codes count in this
# cache: production needs REDIS_URL, or each worker counts alone (check api.W001, api/checks.py).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("REDIS_URL")}
        if env_str("REDIS_URL", "")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Geocoding: the offline Belgian gazetteer by default; "nominatim" (geopy) where the network
# allows it. Either way the postcode must be Belgian and known to the gazetteer.
GEOCODER = env_str("GEOCODER", "offline")
GEOCODER_USER_AGENT = env_str("GEOCODER_USER_AGENT", "neighbourhelp")
GEOCODER_TIMEOUT = env_int("GEOCODER_TIMEOUT", 5)

# How far a request reaches by default, in metres, and the longest a helpper may travel.
REQUEST_DEFAULT_MAX_DISTANCE_M = env_int("REQUEST_DEFAULT_MAX_DISTANCE_M", 10_000)
HELPPER_MAX_RADIUS_M = env_int("HELPPER_MAX_RADIUS_M", 30_000)
# A weekly series creates its visits this far ahead at most.
RECURRENCE_HORIZON_WEEKS = env_int("RECURRENCE_HORIZON_WEEKS", 26)

# Map tiles behind the helpper's map (an enhancement: the list beside it is the content).
MAP_TILES_URL = env_str("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = env_str(
    "MAP_TILES_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)

# Matching: how many candidates are invited at a time, how long they have to answer, and how
# late letting go of a visit counts against a helpper's reliability.
MATCHING_INVITE_COUNT = env_int("MATCHING_INVITE_COUNT", 5)
MATCHING_INVITATION_HOURS = env_int("MATCHING_INVITATION_HOURS", 24)
MATCHING_LATE_CANCEL_HOURS = env_int("MATCHING_LATE_CANCEL_HOURS", 48)

# Referrals: where sentinel alerts go (with the person's consent and a coordinator's decision),
# and how long closed cases are kept before `purge_referrals` deletes them.
SENTINEL_ALERT_ADDRESS = env_str("SENTINEL_ALERT_ADDRESS", "alert@un-pass.be")
REFERRALS_RETENTION_DAYS = env_int("REFERRALS_RETENTION_DAYS", 365)

# Absolute links in emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

SILENCED_SYSTEM_CHECKS = [
    # Debian 12's GDAL 3.6 cannot block file and network access while parsing spatial
    # references. No user-supplied SRS or WKT ever reaches GDAL here: points arrive as
    # latitude/longitude numbers from the gazetteer or the geocoder and are built in code.
    "gis.W001",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

SITE_NAME = _("Neighbourhelp")

# Payments (payments_stub): money in integer cents, rates in basis points (1070 = 10.70 %).
# The helppie pays a platform fee per hour on top of the allowance; the helpper's allowance is
# subject to withholding and to a yearly earnings cap (a warning at PAYMENTS_CAP_WARNING_BP of it,
# no new accepted visits past it). Hours not answered are validated automatically at the end of
# day PAYMENTS_VALIDATION_DAY of the next month, leaving at least PAYMENTS_VALIDATION_MIN_DAYS.
# The provider is a fake that records every call in the database; PAYMENTS_FAKE_PROVIDER_FAILURE
# ("fail" or "timeout") makes every call fail, for rehearsals.
PAYMENTS_PLATFORM_FEE_CENTS = env_int("PAYMENTS_PLATFORM_FEE_CENTS", 200)
PAYMENTS_WITHHOLDING_BP = env_int("PAYMENTS_WITHHOLDING_BP", 1070)
PAYMENTS_ANNUAL_CAP_CENTS = env_int("PAYMENTS_ANNUAL_CAP_CENTS", 746_000)
PAYMENTS_CAP_WARNING_BP = env_int("PAYMENTS_CAP_WARNING_BP", 8000)
PAYMENTS_VALIDATION_DAY = env_int("PAYMENTS_VALIDATION_DAY", 7)
PAYMENTS_VALIDATION_MIN_DAYS = env_int("PAYMENTS_VALIDATION_MIN_DAYS", 3)
PAYMENTS_PROVIDER = env_str("PAYMENTS_PROVIDER", "payments_stub.provider.FakeProvider")
PAYMENTS_FAKE_PROVIDER_FAILURE = env_str("PAYMENTS_FAKE_PROVIDER_FAILURE", "")

# The REST API under /api/v1/ (api/): sessions with CSRF for the browser, allauth's headless
# session tokens (X-Session-Token) for apps; one error shape everywhere (api/errors.py); writes
# throttled per person and per address (API_WRITE_RATE_USER / API_WRITE_RATE_IP, "60/min").
HEADLESS_ONLY = False
HEADLESS_CLIENTS = ("app",)
API_WRITE_RATE_USER = env_str("API_WRITE_RATE_USER", "60/min")
API_WRITE_RATE_IP = env_str("API_WRITE_RATE_IP", "300/min")
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 20)
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 100)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.SessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.WriteUserThrottle",
        "api.throttling.WriteIPThrottle",
    ],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Neighbourhelp API",
    "DESCRIPTION": "Requests, offers, visits, messages, hours and statements; cases and the "
    "social map for coordinators. Errors: README.md, section API.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "HelpRequestStatusEnum": "marketplace.models.HelpRequest.Status",
        "VisitStatusEnum": "marketplace.models.Visit.Status",
        "OfferStatusEnum": "marketplace.models.Offer.Status",
        "InvitationStatusEnum": "matching.models.Invitation.Status",
        "HoursStatusEnum": "payments_stub.models.HoursLog.Status",
        "CaseStatusEnum": "referrals.models.Case.Status",
        "LanguageEnum": "marketplace.choices.Language",
    },
}

# --- Security: production hardening, content security policy, MFA -------------------------
# With DJANGO_ENV=production and a long random DJANGO_SECRET_KEY, `manage.py check --deploy`
# is silent (tests/security/test_deploy_check.py). HTTPS ends at a proxy in front of gunicorn:
# set DJANGO_SECURE_PROXY_SSL_HEADER to the header it sets and its value, for example
# "HTTP_X_FORWARDED_PROTO,https", and only when that proxy overwrites the header on every request.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", PRODUCTION)
_proxy_header = env_list("DJANGO_SECURE_PROXY_SSL_HEADER", [])
if _proxy_header and len(_proxy_header) != 2:
    raise ImproperlyConfigured(
        "DJANGO_SECURE_PROXY_SSL_HEADER must be a header and a value, e.g. "
        "HTTP_X_FORWARDED_PROTO,https."
    )
SECURE_PROXY_SSL_HEADER = tuple(_proxy_header) if _proxy_header else None
# A year of HSTS in production, subdomains and preload included; 0 (off) in development.
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", PRODUCTION)
# Cookies travel over HTTPS only in production (development serves plain http://127.0.0.1).
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def _origin(url: str) -> str:
    """scheme://host of a tile URL template; a {s} subdomain placeholder becomes a wildcard."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "*"))
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured(f"MAP_TILES_URL must be an http(s) URL, not {url!r}.")
    return f"{parts.scheme}://{parts.netloc}"


# Content Security Policy (django-csp), in development too: pages load scripts and styles from
# our own static files only (no inline <script>, <style> or style="" anywhere), images from us,
# the map's tile server and data: URIs (the QR code of the MFA set-up page is one).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", _origin(MAP_TILES_URL)],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# MFA (allauth.mfa): TOTP with recovery codes. Staff who may see referral data (the
# `referrals.work_cases` permission) must have it activated and have used it in the session:
# referrals/mfa.py guards their pages and API endpoints.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Neighbourhelp")
