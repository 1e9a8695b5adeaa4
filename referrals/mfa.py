"""Referral data (GDPR art. 9) is for staff who signed in with a second factor.

A coordinator holding `referrals.work_cases` reaches cases only when they have an activated
TOTP authenticator (allauth.mfa) and this session used it: at login (allauth asks for the code
of anyone who has one), at a re-authentication, or by activating it here (which takes a valid
code too). Pages send them to set it up or to enter a code and come back; the API answers 403
with the same sentence. Both go through `mfa_missing`, so no entry point has a rule of its own.
"""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
    record_authentication,
)
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.contrib import messages
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

SET_UP = "set_up"
VERIFY = "verify"

MESSAGES = {
    SET_UP: _(
        "Referral cases need two-step sign-in. Set up an authenticator app for your account "
        "first (Account → Two-factor authentication)."
    ),
    VERIFY: _(
        "Referral cases need two-step sign-in. Sign in again with the code of your "
        "authenticator app."
    ),
}


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def session_used_mfa(session, user) -> bool:
    """Whether this session's sign-in records (kept by allauth) hold a second factor."""
    records = session.get(AUTHENTICATION_METHODS_SESSION_KEY) if session is not None else None
    if not isinstance(records, list):
        return False
    # allauth keeps the records of one user per session; an older user's do not count.
    if str(session.get(_AUTHENTICATION_METHODS_USER_SESSION_KEY)) != str(user.pk):
        return False
    return any(isinstance(r, dict) and r.get("method") == "mfa" for r in records)


def mfa_missing(user, session) -> str | None:
    """None when `user` may see referral data in this session, else SET_UP or VERIFY."""
    if not has_totp(user):
        return SET_UP
    if not session_used_mfa(session, user):
        return VERIFY
    return None


def redirect_to_mfa(request, missing: str):
    """The page that fixes what is missing, coming back to where the person was going."""
    name = "mfa_activate_totp" if missing == SET_UP else "mfa_reauthenticate"
    messages.warning(request, MESSAGES[missing])
    return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")


@receiver(authenticator_added)
def _activation_counts_as_mfa(sender, request, user, authenticator, **kwargs) -> None:
    # Activating TOTP takes a valid code from the app: the session has just proved the second
    # factor, so the coordinator is not asked for another code straight away.
    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        record_authentication(request, user, "mfa", id=authenticator.pk, type="totp")
