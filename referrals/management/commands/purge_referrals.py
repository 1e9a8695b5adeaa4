from datetime import timedelta

from django.core.management.base import BaseCommand

from referrals.services import purge_closed


class Command(BaseCommand):
    help = "Delete closed referral cases older than REFERRALS_RETENTION_DAYS (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="override the retention period")

    def handle(self, *args, days: int | None, **options):
        older_than = timedelta(days=days) if days is not None else None
        self.stdout.write(f"{purge_closed(older_than=older_than)} closed cases purged")
