"""How the privacy commands find a person: by email address or by user id."""

from __future__ import annotations

from django.core.management.base import CommandError

from marketplace.models import User


def find_person(key: str) -> User:
    found = User.objects.filter(pk=int(key)) if key.strip().isdigit() else None
    if found is None:
        found = User.objects.filter(email__iexact=key.strip())
    person = found.first()
    if person is None:
        raise CommandError(f"No person with the email or id {key!r}.")
    return person
