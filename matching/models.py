"""Invitations: the best candidates for a request (or one visit of it) are asked in turn."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.models import HelpRequest, User, Visit


class Invitation(models.Model):
    """A helpper asked whether they would help: they answer interested or not, or it expires.

    For a whole request (`visit` empty) or, when the usual helpper cannot make it, for one visit.
    `reasons` keeps why they were chosen, as codes and numbers rendered in the reader's language.
    """

    class Status(models.TextChoices):
        INVITED = "invited", _("Waiting for an answer")
        INTERESTED = "interested", _("Interested")
        DECLINED = "declined", _("Not available")
        EXPIRED = "expired", _("No answer in time")
        CLOSED = "closed", _("Someone else was chosen")

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="invitations")
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    helpper = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    reasons = models.JSONField(default=list)
    status = models.CharField(max_length=12, choices=Status, default=Status.INVITED)
    invited_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["rank"]
        indexes = [
            # The expiry task reads invitations still waiting, oldest deadline first.
            models.Index(
                fields=["expires_at"], condition=Q(status="invited"), name="invitation_waiting"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "helpper"],
                condition=Q(visit__isnull=True),
                name="invitation_once_per_request",
            ),
            models.UniqueConstraint(
                fields=["visit", "helpper"],
                condition=Q(visit__isnull=False),
                name="invitation_once_per_visit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.helpper} ← {self.request}"


class WeekPlan(models.Model):
    """A computed assignment of a week's open visits, previewed by staff before it is applied."""

    week_start = models.DateField()
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    assignments = models.JSONField(default=dict)  # {"visit id": helpper id}
    stats = models.JSONField(default=dict)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.week_start:%G-W%V} ({self.created_at:%Y-%m-%d %H:%M})"
