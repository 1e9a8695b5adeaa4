"""The fixed vocabularies of the marketplace."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    # Each language is named in itself, so a person finds theirs whatever page they are on.
    FR = "fr", "Français"
    NL = "nl", "Nederlands"
    EN = "en", "English"


class Category(models.TextChoices):
    SHOPPING = "shopping", _("Shopping")
    MEALS = "meals", _("Meals")
    TRANSPORT = "transport", _("Transport and accompaniment")
    ADMIN = "admin", _("Administrative help")
    COMPANY = "company", _("Company and a chat")
    JOBS_GARDEN = "jobs_garden", _("Small jobs and gardening")
    HOUSEHOLD = "household", _("Household")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
