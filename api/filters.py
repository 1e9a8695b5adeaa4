"""Query filters of the list endpoints (django-filter)."""

from __future__ import annotations

import django_filters
from django.contrib.gis.geos import Point
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.choices import Category, Language
from marketplace.geocoding import gazetteer
from marketplace.models import HelpRequest, Message, Visit
from referrals.models import Case, Service, ServiceArea, ServiceKind


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
    # Days in Brussels time (USE_TZ: `__date` converts to the current zone), both included.
    to = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__lte", label=_("Visits on or before this day.")
    )

    class Meta:
        model = Visit
        fields = ["status"]


# `from` is a Python keyword, so it cannot be declared in the class body.
VisitFilter.base_filters["from"] = django_filters.DateFilter(
    field_name="starts_at", lookup_expr="date__gte", label=_("Visits on or after this day.")
)


class ConversationFilter(django_filters.FilterSet):
    """Read by the view itself: conversations are built by a selector, not a queryset."""

    unread = django_filters.BooleanFilter(
        label=_("True: only the conversations with messages I have not read yet.")
    )

    class Meta:
        model = Message
        fields = ["unread"]


class CaseFilter(django_filters.FilterSet):
    tier = django_filters.ChoiceFilter(
        choices=[(t, t) for t in ("crisis", "high", "moderate", "low")]
    )
    status = django_filters.ChoiceFilter(choices=Case.Status.choices)

    class Meta:
        model = Case
        fields = ["tier", "status"]


class SocialMapFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=ServiceKind.choices, method="of_kind", label=_("Services of this kind.")
    )
    postcode = django_filters.CharFilter(
        method="serving_postcode",
        validators=[RegexValidator(r"^[1-9][0-9]{3}$", _("Enter a Belgian postcode."))],
        label=_("Services that serve this postcode (its municipality or its region)."),
    )
    language = django_filters.ChoiceFilter(
        choices=Language.choices,
        method="in_language",
        label=_("Services that answer in this language (or did not say)."),
    )
    checked = django_filters.BooleanFilter(
        method="is_checked",
        label=_("True: services whose details someone checked; false: those still to check."),
    )

    class Meta:
        model = Service
        fields = ["kind", "postcode", "language", "checked"]

    def of_kind(self, queryset, name, value):
        return queryset.filter(kinds__contains=[value])

    def serving_postcode(self, queryset, name, value):
        # As `referrals.selectors.services_for` decides where a service serves: a municipality
        # in its list, or a point of the municipality inside its outline.
        places = gazetteer()
        refnis = places.postcodes.get(value, [])
        if not refnis:
            return queryset.none()
        serves = Q(municipalities__overlap=refnis)
        for centre in filter(None, map(places.municipalities.get, refnis)):
            serves |= Q(extent__intersects=Point(centre.longitude, centre.latitude, srid=4326))
        return queryset.filter(pk__in=ServiceArea.objects.filter(serves).values("service_id"))

    def in_language(self, queryset, name, value):
        # A service that lists no language is for everyone (as in services_for).
        return queryset.filter(Q(languages__contains=[value]) | Q(languages=[]))

    def is_checked(self, queryset, name, value):
        return queryset.filter(assured_date__isnull=not value)
