import json

from django.core.management.base import BaseCommand

from referrals.social_map import export_hsds


class Command(BaseCommand):
    help = "Write the social map as Open Referral HSDS 3 JSON (the paginated /services shape)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", default="-", help="file to write, - for stdout")
        parser.add_argument("--language", default="en", choices=["fr", "nl", "en"])

    def handle(self, *args, output: str, language: str, **options):
        text = json.dumps(export_hsds(language=language), ensure_ascii=False, indent=1)
        if output == "-":
            self.stdout.write(text)
        else:
            with open(output, "w", encoding="utf-8") as f:
                f.write(text)
            self.stderr.write(f"wrote {output}")
