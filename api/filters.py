"""Query filters of the list endpoints (django-filter)."""

from __future__ import annotations

import django_filters

from marketplace.choices import Category
from marketplace.models import HelpRequest, Visit
from referrals.models import Case


class HelpRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=HelpRequest.Status.choices)
    category = django_filters.ChoiceFilter(choices=Category.choices)

    class Meta:
        model = HelpRequest
        fields = ["status", "category"]


class FeedFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=Category.choices)
    car_needed = django_filters.BooleanFilter()

    class Meta:
        model = HelpRequest
        fields = ["category", "car_needed"]


class VisitFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Visit.Status.choices)

    class Meta:
        model = Visit
        fields = ["status"]


class CaseFilter(django_filters.FilterSet):
    tier = django_filters.ChoiceFilter(
        choices=[(t, t) for t in ("crisis", "high", "moderate", "low")]
    )
    status = django_filters.ChoiceFilter(choices=Case.Status.choices)

    class Meta:
        model = Case
        fields = ["tier", "status"]
