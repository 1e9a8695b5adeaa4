"""System checks for what the API's protections need from the deployment."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOCAL_MEMORY = "django.core.cache.backends.locmem.LocMemCache"


@register(Tags.caches, deploy=True)
def shared_cache_in_production(app_configs=None, **kwargs):
    """Throttles, login rate limits and the one-use rule of authenticator codes count in the
    default cache. A per-process cache lets each worker count alone (n workers, n times the
    limit; a TOTP code reusable on another worker). Reads the settings only: never connects."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    if settings.CACHES.get("default", {}).get("BACKEND") != LOCAL_MEMORY:
        return []
    return [
        Warning(
            "Production runs on a per-process memory cache: API throttles, login rate limits "
            "and the one-use rule of authenticator codes are counted per worker.",
            hint="Set REDIS_URL (for example redis://127.0.0.1:6379/0) to a shared Redis.",
            id="api.W001",
        )
    ]
