from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marketplace.models import (
    AvailabilitySlot,
    HelpperProfile,
    HelpRequest,
    Offer,
    Place,
    User,
    Visit,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["-date_joined"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "is_helppie",
        "is_helpper",
        "is_staff",
        "channel",
    ]
    list_filter = ["is_helppie", "is_helpper", "is_staff", "channel", "preferred_language"]
    search_fields = ["email", "first_name", "last_name", "phone"]
    readonly_fields = ["registered_by", "consent_recorded_at", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "phone", "preferred_language"]}),
        (
            _("Roles"),
            {
                "fields": [
                    "is_helppie",
                    "is_helpper",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ]
            },
        ),
        (
            _("Registration"),
            {
                "fields": [
                    "channel",
                    "registered_by",
                    "consent_recorded_at",
                    "last_login",
                    "date_joined",
                ]
            },
        ),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "first_name", "password1", "password2"]})
    ]


class AvailabilityInline(admin.TabularInline):
    model = AvailabilitySlot
    extra = 0


@admin.register(HelpperProfile)
class HelpperProfileAdmin(admin.ModelAdmin):
    """Where coordinators vet helppers: identity, interview, then approval."""

    list_display = [
        "user",
        "municipality",
        "radius_m",
        "id_checked",
        "interview_done",
        "approved_at",
        "is_paused",
    ]
    list_filter = [
        "id_checked",
        "interview_done",
        ("approved_at", admin.EmptyFieldListFilter),
        "is_paused",
        "has_car",
    ]
    search_fields = [
        "user__email",
        "user__first_name",
        "user__last_name",
        "municipality",
        "postcode",
    ]
    readonly_fields = ["approved_by", "approved_at", "location"]
    exclude = []
    inlines = [AvailabilityInline]
    actions = ["approve", "pause"]

    @admin.action(description=_("Approve the selected helppers (identity and interview done)"))
    def approve(self, request, queryset):
        approved = skipped = 0
        for profile in queryset.filter(approved_at__isnull=True):
            if profile.id_checked and profile.interview_done:
                profile.approve(by=request.user)
                approved += 1
            else:
                skipped += 1
        done = ngettext("%(n)d helpper approved.", "%(n)d helppers approved.", approved)
        self.message_user(request, done % {"n": approved}, messages.SUCCESS)
        if skipped:
            refused = ngettext(
                "%(n)d helpper not approved: check the identity and do the interview first.",
                "%(n)d helppers not approved: check the identity and do the interview first.",
                skipped,
            )
            self.message_user(request, refused % {"n": skipped}, messages.WARNING)

    @admin.action(description=_("Pause the selected helppers"))
    def pause(self, request, queryset):
        queryset.update(is_paused=True)


class VisitInline(admin.TabularInline):
    model = Visit
    extra = 0
    raw_id_fields = ["helpper"]


@admin.register(HelpRequest)
class HelpRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "category", "helppie", "starts_on", "recurrence", "status"]
    list_filter = ["status", "category", "recurrence"]
    raw_id_fields = ["helppie", "created_by", "place"]
    inlines = [VisitInline]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["request", "helpper", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["request", "helpper", "decided_by"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["owner", "postcode", "municipality"]
    search_fields = ["postcode", "municipality", "owner__email"]
    raw_id_fields = ["owner"]
    readonly_fields = ["location"]
