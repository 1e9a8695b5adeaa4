from django.core.management.base import BaseCommand

from referrals.tasks import ensure_daily_scheduled


class Command(BaseCommand):
    help = "Queue the daily referrals round (signals, reminders, purge) unless one is waiting."

    def handle(self, *args, **options):
        ensure_daily_scheduled()
