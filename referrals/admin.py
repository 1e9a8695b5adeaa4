"""Only the social map is in the admin. Cases are worked on their own pages, where every view
and change is logged; the admin would bypass that log, so cases are deliberately absent."""

from django.contrib import admin

from referrals.models import Organization, Phone, Schedule, Service, ServiceArea


class PhoneInline(admin.TabularInline):
    model = Phone
    extra = 0


class ScheduleInline(admin.TabularInline):
    model = Schedule
    extra = 0


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    extra = 0
    fields = ["name", "municipalities"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kinds", "languages", "status", "assured_date"]
    list_filter = ["status"]
    inlines = [PhoneInline, ScheduleInline, ServiceAreaInline]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "website"]
