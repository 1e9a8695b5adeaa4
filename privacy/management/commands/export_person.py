"""A person's data as JSON, for someone who cannot download it themselves (registered by
phone, no login): `export_person <email|id> --by COORDINATOR > file.json`.

The same JSON as the /my-data/ download; logged in PrivacyLog (channel "command")."""

from django.core.management.base import BaseCommand

from privacy import services
from privacy.management.people import find_person


class Command(BaseCommand):
    help = "Write everything the platform holds about one person as JSON (GDPR art. 15 and 20)."

    def add_arguments(self, parser):
        parser.add_argument("person", help="their email address or user id")
        parser.add_argument(
            "--by", help="the coordinator's email or id, for the privacy log", default=None
        )

    def handle(self, *args, person, by, **options):
        subject = find_person(person)
        actor = find_person(by) if by else None
        data = services.export_for(subject, by=actor, channel="command")
        self.stdout.write(services.export_json(data))
