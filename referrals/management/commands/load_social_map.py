from django.core.management.base import BaseCommand

from referrals.models import Service
from referrals.social_map import load_shipped


class Command(BaseCommand):
    help = "Create or refresh the Belgian services shipped with the project (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="only into an empty map")

    def handle(self, *args, if_empty: bool, **options):
        if if_empty and Service.objects.exists():
            return
        self.stdout.write(f"{load_shipped()} services in the social map")
