"""Shapes of what the API reads and writes. Plain serializers: no rule lives here.

Output serializers describe dicts the views build from selectors (so privacy decisions stay in
`marketplace.selectors`); input serializers only check types before a service is called.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.choices import Category, Language, Weekday
from marketplace.models import HelpRequest, Offer, Visit
from matching.models import Invitation
from payments_stub.models import HoursLog, Statement
from referrals.models import Case

# --- shared pieces ----------------------------------------------------------------------------


LOCAL_TIME_FORMAT = "%H:%M"


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
        "example": "10:00",
        "description": "A local time in Brussels, HH:MM.",
    }
)
class LocalTimeField(serializers.TimeField):
    """A wall-clock time without a zone (OpenAPI's "time" format would demand one)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", LOCAL_TIME_FORMAT)
        super().__init__(**kwargs)


class PlaceSerializer(serializers.Serializer):
    """Where help is given, as this reader may see it (selectors.place_view)."""

    area = serializers.CharField(help_text="Postcode and municipality, e.g. “1050 Ixelles”.")
    address = serializers.CharField(
        allow_null=True, help_text="The exact address, only once both sides agreed."
    )
    latitude = serializers.FloatField(help_text="Exact when shared, else a ~500 m grid cell.")
    longitude = serializers.FloatField()
    distance = serializers.CharField(allow_null=True, help_text="Rounded, e.g. “about 2.5 km”.")


class PersonSerializer(serializers.Serializer):
    """Someone as this reader may see them: phone and email only once both sides agreed."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField(allow_null=True)
    email = serializers.CharField(allow_null=True)


class ServiceSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.CharField(allow_null=True)
    phones = serializers.ListField(child=serializers.CharField())


class NoticeSerializer(serializers.Serializer):
    """What screening suggests to the writer of a text: crisis lines, or a few services."""

    tier = serializers.CharField()
    crisis = serializers.BooleanField()
    services = ServiceSerializer(many=True)


# --- the person -------------------------------------------------------------------------------


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField(allow_null=True)
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    preferred_language = serializers.ChoiceField(choices=Language.choices)
    is_helppie = serializers.BooleanField()
    is_helpper = serializers.BooleanField()
    is_staff = serializers.BooleanField()
    may_work_cases = serializers.BooleanField()


# --- requests, offers, visits -----------------------------------------------------------------


class HelpRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    category = serializers.ChoiceField(choices=Category.choices)
    category_label = serializers.CharField()
    description = serializers.CharField()
    status = serializers.ChoiceField(choices=HelpRequest.Status.choices)
    status_label = serializers.CharField()
    recurrence = serializers.ChoiceField(choices=HelpRequest.Recurrence.choices)
    starts_on = serializers.DateField()
    start_time = LocalTimeField()
    weekdays = serializers.ListField(child=serializers.IntegerField())
    ends_on = serializers.DateField(allow_null=True)
    duration_minutes = serializers.IntegerField()
    hourly_allowance_cents = serializers.IntegerField()
    languages = serializers.ListField(child=serializers.CharField())
    car_needed = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    place = PlaceSerializer()
    helppie = PersonSerializer()
    my_offer = serializers.ChoiceField(
        choices=Offer.Status.choices, allow_null=True, help_text="The reader's offer, if any."
    )


class VisitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    request = serializers.IntegerField(source="request_id")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=Visit.Status.choices)
    done_at = serializers.DateTimeField(allow_null=True)
    helpper = PersonSerializer(allow_null=True)


class HelpRequestDetailSerializer(HelpRequestSerializer):
    accepted_helpper = PersonSerializer(allow_null=True)
    visits = VisitSerializer(many=True, help_text="For the helppie and the chosen helpper only.")


class HelpRequestCreatedSerializer(HelpRequestSerializer):
    notice = NoticeSerializer(allow_null=True)


class MyVisitSerializer(serializers.Serializer):
    """A visit in my list, as its helpper or as the helppie of its request: the area only;
    the address is on the request."""

    id = serializers.IntegerField()
    request = serializers.IntegerField()
    role = serializers.ChoiceField(
        choices=[("helpper", "helpper"), ("helppie", "helppie")],
        help_text=_("Whether I come to this visit (helpper) or asked for it (helppie)."),
    )
    category = serializers.ChoiceField(choices=Category.choices)
    area = serializers.CharField()
    helppie_name = serializers.CharField()
    helpper = PersonSerializer(
        allow_null=True,
        help_text=_(
            "Who is coming; null until someone is. Full name and contact only once the "
            "helppie has chosen them."
        ),
    )
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=Visit.Status.choices)
    hours_logged = serializers.BooleanField()


class HelpRequestCreateSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    description = serializers.CharField(max_length=2000)
    starts_on = serializers.DateField()
    start_time = LocalTimeField()
    duration_minutes = serializers.IntegerField(min_value=15, max_value=480)
    recurrence = serializers.ChoiceField(
        choices=HelpRequest.Recurrence.choices, default=HelpRequest.Recurrence.ONCE
    )
    weekdays = serializers.ListField(
        child=serializers.ChoiceField(choices=Weekday.choices), default=list, max_length=7
    )
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    hourly_allowance_cents = serializers.IntegerField(min_value=0, max_value=1500)
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=Language.choices), min_length=1, max_length=3
    )
    car_needed = serializers.BooleanField(default=False)
    place = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="One of your places; otherwise give street and postcode.",
    )
    street = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    postcode = serializers.CharField(max_length=4, required=False, default="", allow_blank=True)


class OfferSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    request = serializers.IntegerField(source="request_id")
    helpper = PersonSerializer()
    message = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=Offer.Status.choices)
    created_at = serializers.DateTimeField()


class OfferCreateSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


# --- the helpper's side -----------------------------------------------------------------------


# The feed's cards as the schema describes them (this docstring included, hence the note out of
# it): the feed writes them with `presenters.feed_item` without running this serializer, and
# tests/api/test_helpper.py checks that both agree.
class FeedItemSerializer(serializers.Serializer):
    """An open request near the helpper: blurred place, rounded distance, short name."""

    id = serializers.IntegerField()
    category = serializers.ChoiceField(choices=Category.choices)
    category_label = serializers.CharField()
    description = serializers.CharField()
    recurrence = serializers.ChoiceField(choices=HelpRequest.Recurrence.choices)
    starts_on = serializers.DateField()
    start_time = LocalTimeField()
    duration_minutes = serializers.IntegerField()
    hourly_allowance_cents = serializers.IntegerField()
    languages = serializers.ListField(child=serializers.CharField())
    car_needed = serializers.BooleanField()
    place = PlaceSerializer()
    helppie_name = serializers.CharField()
    my_offer = serializers.ChoiceField(choices=Offer.Status.choices, allow_null=True)


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    request = serializers.IntegerField(source="request_id")
    visit = serializers.IntegerField(source="visit_id", allow_null=True)
    category = serializers.ChoiceField(choices=Category.choices)
    area = serializers.CharField()
    status = serializers.ChoiceField(choices=Invitation.Status.choices)
    expires_at = serializers.DateTimeField()
    why = serializers.CharField(help_text="Why this helpper was asked, in the reader's language.")


class InvitationAnswerSerializer(serializers.Serializer):
    interested = serializers.BooleanField(help_text=_("True: I can help. False: not this time."))


class HoursLogCreateSerializer(serializers.Serializer):
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField()
    break_minutes = serializers.IntegerField(min_value=0, max_value=720, default=0)
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class HoursDisputeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)


class HoursSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    visit = serializers.IntegerField(source="visit_id")
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField()
    break_minutes = serializers.IntegerField()
    minutes = serializers.IntegerField()
    status = serializers.ChoiceField(choices=HoursLog.Status.choices)
    deadline = serializers.DateTimeField()
    gross_cents = serializers.IntegerField()
    withheld_cents = serializers.IntegerField()


class EarningsSerializer(serializers.Serializer):
    minutes = serializers.IntegerField()
    gross_cents = serializers.IntegerField()
    withheld_cents = serializers.IntegerField()
    net_cents = serializers.IntegerField()
    waiting_minutes = serializers.IntegerField()
    waiting_cents = serializers.IntegerField()


class CapSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    earned_cents = serializers.IntegerField()
    cap_cents = serializers.IntegerField()
    left_cents = serializers.IntegerField()
    percent = serializers.IntegerField()
    warning = serializers.BooleanField()
    blocked = serializers.BooleanField()


class EarningsOverviewSerializer(serializers.Serializer):
    this_month = EarningsSerializer()
    this_year = EarningsSerializer()
    cap = CapSerializer()


# --- statements -------------------------------------------------------------------------------


class StatementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Statement.Kind.choices)
    month = serializers.DateField()
    minutes = serializers.IntegerField()
    gross_cents = serializers.IntegerField()
    fee_cents = serializers.IntegerField()
    contribution_cents = serializers.IntegerField()
    withheld_cents = serializers.IntegerField()
    total_cents = serializers.IntegerField()
    state = serializers.CharField()


class StatementLineSerializer(serializers.Serializer):
    day = serializers.DateField()
    other_name = serializers.CharField()
    minutes = serializers.IntegerField()
    gross_cents = serializers.IntegerField()
    fee_cents = serializers.IntegerField()
    contribution_cents = serializers.IntegerField()
    withheld_cents = serializers.IntegerField()
    total_cents = serializers.IntegerField()


class StatementDetailSerializer(StatementSerializer):
    lines = StatementLineSerializer(many=True)


# --- messages ---------------------------------------------------------------------------------


class ConversationSerializer(serializers.Serializer):
    request = serializers.IntegerField()
    helpper = serializers.IntegerField()
    other_name = serializers.CharField()
    last_at = serializers.DateTimeField()
    unread = serializers.IntegerField()


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sender = serializers.IntegerField(source="sender_id")
    mine = serializers.BooleanField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class MessageSentSerializer(MessageSerializer):
    notice = NoticeSerializer(allow_null=True)


class MessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=2000)


# --- staff: the social map --------------------------------------------------------------------


class HsdsServiceSerializer(serializers.Serializer):
    """One service of the social map as Open Referral HSDS 3 (`/services` items), in the reader's
    language; absent members are left out rather than null. Only the main members are described
    here: the item carries every HSDS member the export has."""

    id = serializers.UUIDField()
    organization_id = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField()
    url = serializers.CharField(required=False)
    email = serializers.CharField(required=False)
    assured_date = serializers.DateField(
        required=False, help_text=_("When someone last checked the service's details.")
    )
    organization = serializers.DictField()
    phones = serializers.ListField(child=serializers.DictField())
    schedules = serializers.ListField(child=serializers.DictField())
    service_areas = serializers.ListField(child=serializers.DictField())
    languages = serializers.ListField(child=serializers.DictField())
    attributes = serializers.ListField(child=serializers.DictField())
    x_translations = serializers.DictField()

    def to_representation(self, instance: dict) -> dict:
        return instance  # already HSDS (referrals.social_map): every member goes out as it is


# --- staff: cases -----------------------------------------------------------------------------


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tier = serializers.CharField()
    needs = serializers.ListField(child=serializers.CharField())
    source = serializers.ChoiceField(choices=Case.Source.choices)
    status = serializers.ChoiceField(choices=Case.Status.choices)
    status_label = serializers.CharField()
    person = PersonSerializer()
    assigned_to = serializers.IntegerField(source="assigned_to_id", allow_null=True)
    created_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    is_overdue = serializers.BooleanField()


class CaseEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    by = serializers.IntegerField(source="by_id", allow_null=True)
    action = serializers.CharField()
    detail = serializers.DictField()


class CaseDetailSerializer(CaseSerializer):
    orientation = serializers.ListField(child=serializers.CharField())
    rules = serializers.ListField(child=serializers.CharField())
    evidence = serializers.ListField(child=serializers.DictField())
    outcome = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    events = CaseEventSerializer(many=True)


class CaseMoveSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Case.Status.choices)
    outcome = serializers.ChoiceField(
        choices=Case.Outcome.choices, required=False, default="", allow_blank=True
    )
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
