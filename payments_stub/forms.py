"""Forms parse what people type; the rules themselves live in services (errors come back from
there, keyed by these same field names)."""

from __future__ import annotations

from datetime import date, datetime, time

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.forms import TimeInput
from payments_stub import periods
from payments_stub.models import PartnerFund
from payments_stub.services import Outcome


def at(day: date, moment: time | None) -> datetime | None:
    """A time of day on `day`, in Brussels time."""
    if moment is None:
        return None
    return datetime.combine(day, moment, tzinfo=periods.local_zone())


class HoursForm(forms.Form):
    started_at = forms.TimeField(label=_("I started at"), widget=TimeInput())
    ended_at = forms.TimeField(label=_("I finished at"), widget=TimeInput())
    break_minutes = forms.IntegerField(
        label=_("Breaks (minutes)"),
        initial=0,
        help_text=_("Time you did not spend helping, for example your own lunch."),
    )
    note = forms.CharField(
        label=_("A note (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("What is not right?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: “I think Pieter left at 11:00, not 12:00.”"),
    )


class SettleForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    started_at = forms.TimeField(label=_("Corrected start"), required=False, widget=TimeInput())
    ended_at = forms.TimeField(label=_("Corrected end"), required=False, widget=TimeInput())
    break_minutes = forms.IntegerField(label=_("Corrected breaks (minutes)"), required=False)
    note = forms.CharField(
        label=_("Why (kept in the history)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MembershipForm(forms.Form):
    fund = forms.ModelChoiceField(
        label=_("My mutuality"), queryset=PartnerFund.objects.filter(is_active=True)
    )
    member_number = forms.CharField(
        label=_("My member number"),
        max_length=40,
        help_text=_("As written on your membership card."),
    )


class RefundForm(forms.Form):
    reason = forms.CharField(
        label=_("Why refund this statement?"),
        required=False,
        max_length=300,
    )
