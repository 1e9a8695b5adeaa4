"""The admin's history about a person: Django's LogEntry rows name what they touched
(`object_repr`, e.g. "Jeanne Dupont") and may quote it (`change_message`). Erasure keeps the
rows (who changed what, when) and removes those words.

`OWNED` lists the admin-registered models whose rows are about a person, with the field that
says whose; tests/privacy/test_erase_extras.py fails when an admin-registered model pointing at
a user is in neither `OWNED` nor `NOT_ABOUT_THEM`.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, F, Value
from django.db.models.functions import Concat

from marketplace.models import HelpperProfile, HelpRequest, Offer, Place, User
from payments_stub.models import Account, FundMembership, HoursLog, Payment, Statement

OWNED = [
    (User, "pk"),
    (EmailAddress, "user"),
    (Authenticator, "user"),
    (HelpperProfile, "user"),
    (HelpRequest, "helppie"),
    (Offer, "helpper"),
    (Place, "owner"),
    (FundMembership, "helppie"),
    (HoursLog, "helpper"),
    (HoursLog, "helppie"),
    (Statement, "person"),
    (Payment, "person"),
    (Account, "user"),
]

# Fields that point at a user who acted (a coordinator, the system), not at whom a row is about.
NOT_ABOUT_THEM = {
    "marketplace.User.registered_by",
    "marketplace.HelpperProfile.approved_by",
    "marketplace.HelpRequest.created_by",
    "marketplace.HelpRequest.backup_helpper",
    "marketplace.Offer.decided_by",
    "payments_stub.Payment.requested_by",
    "payments_stub.LedgerTransaction.created_by",
    "payments_stub.BillingRun.by",
}

Targets = dict[int, set[str]]  # content type id -> object ids (LogEntry keeps them as text)


def targets_of(person: User) -> Targets:
    """The admin log's keys for the person and their rows. Gathered before erasure deletes
    some of those rows: their log entries still name them."""
    found: Targets = {}
    for model, field in OWNED:
        kind = ContentType.objects.get_for_model(model, for_concrete_model=False).pk
        ids = model.objects.filter(**{field: person.pk}).values_list("pk", flat=True)
        found.setdefault(kind, set()).update(str(pk) for pk in ids)
    return found


def anonymise(targets: Targets) -> int:
    """Blank the words of the log entries about `targets`; returns how many changed. The entry
    keeps its time, author, action and object id ("#42" stands for the name)."""
    changed = 0
    for kind, ids in targets.items():
        if ids:
            changed += LogEntry.objects.filter(content_type_id=kind, object_id__in=ids).update(
                object_repr=Concat(Value("#"), F("object_id"), output_field=CharField()),
                change_message="",
            )
    return changed
