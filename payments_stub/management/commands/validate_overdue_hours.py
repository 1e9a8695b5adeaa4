"""Validate hours unanswered at their deadline (the cron twin of the background task)."""

from django.core.management.base import BaseCommand

from payments_stub.services import hours_validate_overdue


class Command(BaseCommand):
    help = "Validate every hours log still unanswered at its deadline."

    def handle(self, *args, **options):
        count = hours_validate_overdue()
        self.stdout.write(f"{count} hours validated automatically")
