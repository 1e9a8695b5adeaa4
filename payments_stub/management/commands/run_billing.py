"""Monthly billing: run_billing --month 2026-11. Safe to run twice, or again after a crash."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from payments_stub import billing, periods


class Command(BaseCommand):
    help = "Build a month's statements, charge helppies and pay helppers (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="the month to bill, e.g. 2026-11")

    def handle(self, *args, month: str, **options):
        try:
            run = billing.billing_run(month=periods.parse_month(month))
        except (ValueError, ValidationError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"{month}: {run.statements_created} statements made, "
            f"{run.payments_succeeded} payments done, {run.payments_failed} failed"
        )
        if run.payments_failed:
            raise CommandError(f"{run.payments_failed} payments failed: run the command again")
