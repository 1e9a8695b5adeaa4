"""Two-step sign-in in tests: a real TOTP authenticator (allauth.mfa) and the codes its app
would show, computed here from the shared secret as RFC 6238 says."""

from __future__ import annotations

import time

from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt

# A code is used at most this long after it is read (a browser filling and sending a form).
CODE_MARGIN_SECONDS = 5


def give_totp(user) -> str:
    """An activated authenticator app for `user`; its secret (what the QR code carries)."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def secret_of(user) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return decrypt(authenticator.data["secret"])


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The six digits an authenticator app shows for `secret` now (or at `at`)."""
    import base64
    import hashlib
    import hmac
    import struct

    counter = int(at if at is not None else time.time()) // app_settings.TOTP_PERIOD
    digest = hmac.new(
        base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1
    ).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**app_settings.TOTP_DIGITS:0{app_settings.TOTP_DIGITS}}"


def mark_session_mfa(client, user) -> None:
    """What allauth records after a password and a TOTP code: for `force_login` clients."""
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()


def code_for(user) -> str:
    """The current code of `user`'s app, usable even if a test already signed in with it.

    allauth accepts each code once (it remembers used codes in the cache for one period); a
    person signing in twice within 30 seconds would wait for the next code. Tests do not wait:
    the memory of that one code is dropped instead.

    A code read in the last seconds of its period may be checked in the next one (a browser
    test types it and submits a form in between, slower on a busy machine), where it no longer
    counts: like a person, wait for the next code then.
    """
    from django.core.cache import cache

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    left = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if left < CODE_MARGIN_SECONDS:
        time.sleep(left + 0.05)
    code = totp_code(secret_of(user))
    cache.delete(TOTP(authenticator)._get_used_cache_key(code))
    return code
