"""Erase a person's data on their request (by phone, by letter): `erase_person <email|id>`."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from privacy import services
from privacy.management.people import find_person


class Command(BaseCommand):
    help = "Erase or anonymise everything personal about one person (GDPR art. 17)."

    def add_arguments(self, parser):
        parser.add_argument("person", help="their email address or user id")
        parser.add_argument(
            "--by", help="the coordinator's email or id, for the privacy log", default=None
        )
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, person, by, yes, **options):
        subject = find_person(person)
        actor = find_person(by) if by else None
        if not yes and options.get("interactive", True):
            answer = input(f"Erase person #{subject.pk}? This cannot be undone. [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("Nothing was erased.")
        try:
            services.person_erase(person=subject, by=actor, channel="command")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Person #{subject.pk} is erased."))
