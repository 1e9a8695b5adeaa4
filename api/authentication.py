"""Who is calling: apps send allauth's headless session token, browsers their session cookie."""

from __future__ import annotations

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication

TOKEN_HEADER = "X-Session-Token"


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """The `X-Session-Token` an app receives from `/_allauth/app/v1/auth/login`.

    An unknown or expired token authenticates nobody (the call is then anonymous and refused
    with 401); naming the header in `WWW-Authenticate` is what makes DRF answer 401, not 403.
    """

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is None:
            return None
        user, session = found
        if not user.is_active:
            return None
        return user, session

    def authenticate_header(self, request) -> str:
        return TOKEN_HEADER
