"""Partner funds (mutualities) that pay part of the help for their members."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def validate_pattern(value: str) -> None:
    try:
        re.compile(value)
    except re.error as error:
        raise ValidationError(
            _("This is not a valid pattern: %(error)s"), params={"error": error}
        ) from None


class PartnerFund(models.Model):
    """A mutuality that contributes per hour of help for its members, up to a yearly cap each."""

    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(_("code"), max_length=16, unique=True)
    member_number_pattern = models.CharField(
        _("member number pattern"),
        max_length=200,
        validators=[validate_pattern],
        help_text=_("A regular expression the whole member number must match."),
    )
    member_number_example = models.CharField(_("example of a member number"), max_length=40)
    contribution_per_hour_cents = models.PositiveIntegerField(_("contribution per hour (cents)"))
    annual_cap_cents = models.PositiveIntegerField(_("yearly cap per member (cents)"))
    is_active = models.BooleanField(_("active partner"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner fund")
        verbose_name_plural = _("partner funds")
        constraints = [
            models.CheckConstraint(
                condition=Q(contribution_per_hour_cents__gte=0, annual_cap_cents__gte=0),
                name="fund_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def accepts(self, member_number: str) -> bool:
        """Whether a member number has this fund's shape (the whole of it, not a part)."""
        return re.fullmatch(self.member_number_pattern, member_number.strip()) is not None


class FundMembership(models.Model):
    """A helppie's membership of a partner fund, with the number given. One current at a time."""

    helppie = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fund_memberships"
    )
    fund = models.ForeignKey(PartnerFund, on_delete=models.PROTECT, related_name="memberships")
    member_number = models.CharField(_("member number"), max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("fund membership")
        constraints = [
            models.UniqueConstraint(
                fields=["helppie"],
                condition=Q(ended_at__isnull=True),
                name="membership_one_current_per_helppie",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.helppie} · {self.fund.code} {self.member_number}"
