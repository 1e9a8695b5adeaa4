"""Writes are throttled per person and per address; reads are not.

Rates come from the settings API_WRITE_RATE_USER and API_WRITE_RATE_IP ("60/min"), read on
each call so a test (or a settings change) takes effect at once. Counts live in the default
cache, shared between processes in production (Redis).
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class _WriteThrottle(SimpleRateThrottle):
    setting: str = ""

    def __init__(self):
        # The rate is read per request (SimpleRateThrottle would freeze it at import).
        pass

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        self.rate = getattr(settings, self.setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class WriteUserThrottle(_WriteThrottle):
    """Writes per signed-in person (anonymous callers are refused before writing anyway)."""

    scope = "write_user"
    setting = "API_WRITE_RATE_USER"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class WriteIPThrottle(_WriteThrottle):
    """Writes per client address, whoever is signed in: many accounts from one place."""

    scope = "write_ip"
    setting = "API_WRITE_RATE_IP"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
