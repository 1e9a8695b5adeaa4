"""Who may call what. A person without access gets 404, as on the pages: never a hint that
someone else's thing exists. Object access itself is decided by the apps' selectors."""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated

from referrals import mfa as referral_mfa
from referrals import selectors as referral_selectors

__all__ = ["CanWorkCases", "IsAuthenticated", "IsStaff"]


class CanWorkCases(BasePermission):
    """Staff holding `referrals.work_cases`; 404 for everyone else signed in."""

    def has_permission(self, request, view) -> bool:
        if not referral_selectors.may_work_cases(request.user):
            raise NotFound
        # A second factor, as on the pages (referrals/mfa.py); an app's token carries its session.
        session = request.auth if isinstance(request.auth, SessionBase) else request.session
        missing = referral_mfa.mfa_missing(request.user, session)
        if missing:
            raise PermissionDenied(referral_mfa.MESSAGES[missing], code="mfa_required")
        return True


class IsStaff(BasePermission):
    """Coordinators (staff); 404 for everyone else signed in."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated and request.user.is_staff):
            raise NotFound
        return True
