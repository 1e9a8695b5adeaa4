"""Forms parse what people type; the rules themselves live in services."""

from __future__ import annotations

import uuid
from datetime import time
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from marketplace.choices import Category, Language, Weekday
from marketplace.models import HelpRequest, Place

DURATIONS = [
    (30, _("30 minutes")),
    (60, _("1 hour")),
    (90, _("1 hour 30 minutes")),
    (120, _("2 hours")),
    (180, _("3 hours")),
    (240, _("4 hours")),
]

# Parts of the day a helpper ticks; each becomes an availability slot.
DAY_PARTS = {
    "morning": (time(8), time(12), _("Morning (8:00–12:00)")),
    "afternoon": (time(12), time(17), _("Afternoon (12:00–17:00)")),
    "evening": (time(17), time(21), _("Evening (17:00–21:00)")),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class EuroField(forms.CharField):
    """An amount in euro typed as "7", "7.5" or "7,50", cleaned to integer cents."""

    def to_python(self, value):
        value = super().to_python(value).replace(",", ".").replace("€", "").strip()
        if value == "":
            return None
        try:
            amount = Decimal(value)
        except InvalidOperation:
            raise forms.ValidationError(
                _("Please give an amount in euro, like 8 or 8,50.")
            ) from None
        if amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("Please give an amount in euro and cents, like 8,50."))
        return int(amount * 100)


class SignupDetailsForm(forms.Form):
    """What allauth's sign-up asks besides email and password."""

    ROLE_CHOICES = [
        ("helppie", _("I would like some help")),
        ("helpper", _("I would like to help neighbours")),
        ("both", _("Both")),
    ]
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    preferred_language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    role = forms.ChoiceField(
        label=_("What brings you here?"), choices=ROLE_CHOICES, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The language the person is reading the form in is the likeliest answer.
        language = (translation.get_language() or "")[:2]
        if language in Language.values:
            self.fields["preferred_language"].initial = language

    def signup(self, request, user):
        data = self.cleaned_data
        user.first_name = data["first_name"]
        user.last_name = data["last_name"]
        user.preferred_language = data["preferred_language"]
        user.is_helppie = data["role"] in ("helppie", "both")
        user.is_helpper = data["role"] in ("helpper", "both")
        user.save()


class HelpRequestForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Kind of help"), choices=Category.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("What do you need?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few words are enough, for example: weekly shopping at the supermarket."),
    )
    place = forms.ModelChoiceField(
        label=_("Where?"),
        queryset=Place.objects.none(),
        required=False,
        empty_label=_("A new address"),
    )
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=4, required=False)
    recurrence = forms.ChoiceField(
        label=_("How often?"),
        choices=HelpRequest.Recurrence.choices,
        initial=HelpRequest.Recurrence.ONCE,
        widget=forms.RadioSelect,
    )
    starts_on = forms.DateField(label=_("Date (or first date)"), widget=DateInput())
    start_time = forms.TimeField(label=_("Time"), widget=TimeInput())
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On which days? (every week)"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ends_on = forms.DateField(label=_("Until (every week)"), required=False, widget=DateInput())
    duration_minutes = forms.TypedChoiceField(
        label=_("How long?"), choices=DURATIONS, coerce=int, initial=60
    )
    hourly_allowance = EuroField(
        label=_("Allowance per hour, in euro (0 to 15)"),
        initial="8",
        help_text=_("What you give the helpper per hour. Our fee comes on top."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    car_needed = forms.BooleanField(label=_("The helpper needs a car"), required=False)
    # A new token each time the form is shown; sent back, it makes posting twice post once.
    submission = forms.UUIDField(required=False, widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, helppie, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Place.objects.filter(owner=helppie)
        self.fields["languages"].initial = [helppie.preferred_language]
        if not self.fields["place"].queryset.exists():
            del self.fields["place"]


class HelpperProfileForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        help_text=_("Shared only with the people who choose you."),
    )
    postcode = forms.CharField(label=_("Postcode where you live"), max_length=4)
    radius_km = forms.DecimalField(
        label=_("How far will you go (km)?"), initial=5, decimal_places=1, max_digits=4
    )
    categories = forms.MultipleChoiceField(
        label=_("What would you like to help with?"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    has_car = forms.BooleanField(label=_("I have a car"), required=False)
    weekly_capacity_hours = forms.IntegerField(
        label=_("Hours per week, at most"), min_value=1, max_value=40, initial=4
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day, label in Weekday.choices:
            self.fields[f"day_{day}"] = forms.MultipleChoiceField(
                label=label,
                required=False,
                choices=[(part, text) for part, (_start, _end, text) in DAY_PARTS.items()],
                widget=forms.CheckboxSelectMultiple,
            )

    def day_fields(self):
        return [self[f"day_{day}"] for day, _label in Weekday.choices]

    def availability(self) -> list[tuple[int, time, time]]:
        return [
            (day, DAY_PARTS[part][0], DAY_PARTS[part][1])
            for day, _label in Weekday.choices
            for part in self.cleaned_data.get(f"day_{day}", [])
        ]

    @staticmethod
    def initial_from(profile) -> dict:
        initial = {
            "phone": profile.user.phone,
            "postcode": profile.postcode,
            "radius_km": Decimal(profile.radius_m) / 1000,
            "categories": profile.categories,
            "languages": profile.languages,
            "has_car": profile.has_car,
            "weekly_capacity_hours": profile.weekly_capacity_hours,
        }
        for slot in profile.availability.all():
            for part, (start, end, _text) in DAY_PARTS.items():
                if slot.start <= start and end <= slot.end:
                    initial.setdefault(f"day_{slot.weekday}", []).append(part)
        return initial


class IntakeForm(forms.Form):
    """A coordinator registers a person who called, without email."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32)
    preferred_language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    street = forms.CharField(label=_("Street and number"), max_length=200)
    postcode = forms.CharField(label=_("Postcode"), max_length=4)
    agreed = forms.BooleanField(
        label=_("The person agrees to be registered and to be called back"), required=False
    )
    # Shown only when someone alike is already registered (the view decides).
    someone_else = forms.BooleanField(
        label=_("This is someone else: register them as a new person"), required=False
    )

    def identity(self) -> dict[str, str]:
        """What tells people apart: for the look-alike check."""
        keys = ("first_name", "last_name", "phone", "postcode")
        return {key: self.cleaned_data[key] for key in keys}

    def fields_but_confirmation(self):
        return [field for field in self if field.name != "someone_else"]


class PersonSearchForm(forms.Form):
    """A coordinator looks for someone who calls again."""

    q = forms.CharField(
        label=_("Name, phone or postcode"),
        max_length=100,
        required=False,
        help_text=_("For example: Dupont, 0470 12 34 56 or 1050."),
    )


class OfferForm(forms.Form):
    message = forms.CharField(
        label=_("A word for the person (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AvailabilityRangeForm(forms.Form):
    """One weekly time range of a helpper; a blank row adds nothing, "remove" drops the row."""

    start = forms.TimeField(label=_("Start time"), required=False, widget=TimeInput())
    end = forms.TimeField(label=_("End time"), required=False, widget=TimeInput())
    remove = forms.BooleanField(label=_("Remove this time range"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if not data.get("remove"):
            if start and not end and "end" not in self.errors:
                self.add_error("end", _("Give the end time too."))
            if end and not start and "start" not in self.errors:
                self.add_error("start", _("Give the start time too."))
        return data

    @property
    def is_kept(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("start") and data.get("end") and not data.get("remove"))


AvailabilityDayFormSet = forms.formset_factory(AvailabilityRangeForm, extra=1, max_num=8)
