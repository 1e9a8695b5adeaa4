import json
import sys

from django.core.management.base import BaseCommand, CommandError

from referrals.social_map import import_hsds


class Command(BaseCommand):
    help = "Read Open Referral HSDS 3 JSON (as written by export_hsds) into the social map."

    def add_arguments(self, parser):
        parser.add_argument("input", help="file to read, - for stdin")
        parser.add_argument("--language", default="en", choices=["fr", "nl", "en"])

    def handle(self, *args, input: str, language: str, **options):
        try:
            if input == "-":
                document = json.load(sys.stdin)
            else:
                with open(input, encoding="utf-8") as f:
                    document = json.load(f)
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read HSDS JSON from {input}: {error}") from None
        count = import_hsds(document, language=language)
        self.stdout.write(f"{count} services imported")
