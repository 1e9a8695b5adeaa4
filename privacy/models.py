"""The record of every export and erasure of a person's data: who, whom, what, when.

Ids only (no names, no addresses): the log outlives the erased person and must not bring back
what the erasure removed. Plain integers, not foreign keys, for the same reason.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PrivacyLog(models.Model):
    class Action(models.TextChoices):
        EXPORT = "export", _("Data downloaded")
        ERASE = "erase", _("Data erased")

    class Channel(models.TextChoices):
        WEB = "web", _("On the website")
        COMMAND = "command", _("By a coordinator (command)")

    actor_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Who asked: the person, or the coordinator."
    )
    subject_id = models.PositiveBigIntegerField(help_text="Whose data.")
    action = models.CharField(max_length=8, choices=Action)
    channel = models.CharField(max_length=8, choices=Channel)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["subject_id", "at"], name="privacy_log_by_subject")]

    def __str__(self) -> str:
        return f"{self.action} of #{self.subject_id} by #{self.actor_id} ({self.channel})"
