"""Admin: partner funds and memberships are edited here; the books are read-only."""

from django.contrib import admin

from payments_stub.models import (
    Account,
    BillingRun,
    FundMembership,
    HoursLog,
    LedgerTransaction,
    PartnerFund,
    Payment,
    ProviderCall,
    Statement,
)


@admin.register(PartnerFund)
class PartnerFundAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "contribution_per_hour_cents", "annual_cap_cents", "is_active"]


@admin.register(FundMembership)
class FundMembershipAdmin(admin.ModelAdmin):
    list_display = ["helppie", "fund", "member_number", "created_at", "ended_at"]
    list_select_related = ["helppie", "fund"]
    raw_id_fields = ["helppie"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money records change only through the services; here they are looked at."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HoursLog)
class HoursLogAdmin(ReadOnlyAdmin):
    list_display = ["pk", "helpper", "helppie", "started_at", "minutes", "status"]
    list_filter = ["status"]
    list_select_related = ["helpper", "helppie"]


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "person", "month", "total_cents"]
    list_filter = ["kind", "month"]
    list_select_related = ["person"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["idempotency_key", "kind", "amount_cents", "status", "attempts"]
    list_filter = ["kind", "status"]


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "memo", "created_at"]
    list_filter = ["kind"]


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "user", "fund"]
    list_filter = ["kind"]
    list_select_related = ["user", "fund"]


@admin.register(BillingRun)
class BillingRunAdmin(ReadOnlyAdmin):
    list_display = ["month", "started_at", "finished_at", "payments_succeeded", "payments_failed"]


@admin.register(ProviderCall)
class ProviderCallAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "idempotency_key", "amount_cents", "outcome"]
    list_filter = ["kind", "outcome"]
