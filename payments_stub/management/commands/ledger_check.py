"""Verify every invariant of the ledger; exit non-zero, naming the offenders, if one fails."""

from django.core.management.base import BaseCommand, CommandError

from payments_stub.integrity import ledger_problems


class Command(BaseCommand):
    help = "Check that the ledger balances and agrees with hours, statements and the provider."

    def handle(self, *args, **options):
        problems = ledger_problems()
        for problem in problems:
            self.stdout.write(str(problem))
        if problems:
            raise CommandError(f"ledger_check: {len(problems)} problems")
        self.stdout.write(self.style.SUCCESS("ledger_check: every invariant holds"))
