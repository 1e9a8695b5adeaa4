"""Bring a database up to date for running: migrate, then demo data when it is empty.

One process for the whole step keeps a second `make run` quick.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from marketplace.management.commands.seed_demo import DEMO_DOMAIN, DEMO_PASSWORD
from marketplace.models import User


class Command(BaseCommand):
    help = "Migrate, load demo data into an empty database, and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="Never load demo data.")

    def handle(self, *args, no_demo: bool, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_social_map", if_empty=True, verbosity=0)
        call_command("schedule_daily_round", verbosity=0)
        if not no_demo and not User.objects.exists():
            self.stdout.write("Empty database: loading demo data...")
            call_command("seed_demo")
        if User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").exists():
            self.stdout.write(
                self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            )
            for email, role in [
                (f"coordinator@{DEMO_DOMAIN}", "coordinator (staff, admin)"),
                (f"jeanne@{DEMO_DOMAIN}", "helppie in Ixelles (asks for help)"),
                (f"pieter@{DEMO_DOMAIN}", "vetted helpper in Ixelles (offers help)"),
            ]:
                self.stdout.write(f"  {email:40} {role}")
