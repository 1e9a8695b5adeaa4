"""Demo data: helppers and helppies over real Belgian municipalities, weighted by population.

Idempotent: every demo person has a fixed email (`helpper-0042@demo.neighbourhelp.be`) and is
created only when missing, from a random generator seeded by their number, so a second run adds
nothing and two machines get the same people.
"""

from __future__ import annotations

import math
import random
from datetime import time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from marketplace import geo, services
from marketplace.choices import Category
from marketplace.geocoding import Municipality, gazetteer
from marketplace.models import AvailabilitySlot, HelpperProfile, Place, User

DEMO_DOMAIN = "demo.neighbourhelp.be"
DEMO_PASSWORD = "neighbourhelp-demo"

NAMES = {
    "flanders": {
        "first": [
            "Jan",
            "Pieter",
            "Els",
            "An",
            "Marc",
            "Lieve",
            "Wim",
            "Griet",
            "Koen",
            "Sofie",
            "Jef",
            "Mieke",
            "Luc",
            "Hilde",
            "Bart",
            "Katrien",
            "Dirk",
            "Ine",
            "Tom",
            "Nele",
            "Rita",
            "Frans",
            "Maria",
            "Jozef",
            "Annemie",
            "Stijn",
            "Lotte",
            "Wout",
            "Fien",
        ],
        "last": [
            "Peeters",
            "Janssens",
            "Maes",
            "Jacobs",
            "Mertens",
            "Willems",
            "Claes",
            "Goossens",
            "Wouters",
            "De Smet",
            "Vermeulen",
            "Van den Broeck",
            "De Vos",
            "Hermans",
            "Aerts",
            "Pauwels",
            "Van Damme",
            "Verhoeven",
            "De Clercq",
            "Claeys",
            "Smets",
            "Michiels",
        ],
    },
    "wallonia": {
        "first": [
            "Jean",
            "Marie",
            "Philippe",
            "Françoise",
            "Michel",
            "Monique",
            "Luc",
            "Anne",
            "Jacques",
            "Christine",
            "Pierre",
            "Isabelle",
            "André",
            "Nathalie",
            "Benoît",
            "Martine",
            "Didier",
            "Chantal",
            "Olivier",
            "Josiane",
            "Arnaud",
            "Camille",
            "Léa",
        ],
        "last": [
            "Dubois",
            "Lambert",
            "Dupont",
            "Martin",
            "Simon",
            "Laurent",
            "Leclercq",
            "Renard",
            "Lejeune",
            "Collard",
            "François",
            "Noël",
            "Lemaire",
            "Henrard",
            "Gilson",
            "Piron",
            "Dumont",
            "Leroy",
            "Mathieu",
            "Charlier",
            "Denis",
            "Hubert",
        ],
    },
    "brussels": {
        "first": [
            "Mohamed",
            "Fatima",
            "Sarah",
            "Youssef",
            "Ayşe",
            "Marie",
            "Nadia",
            "Jean",
            "Karim",
            "Amina",
            "Pieter",
            "Sophie",
            "Ahmed",
            "Elif",
            "Thomas",
            "Julie",
            "Agnieszka",
            "Patrice",
            "Grace",
            "Hanna",
            "Ibrahim",
            "Leila",
            "Nicolas",
        ],
        "last": [
            "El Amrani",
            "Benali",
            "Yilmaz",
            "Dubois",
            "Peeters",
            "Kalonji",
            "Kowalski",
            "Martin",
            "Bakkali",
            "Janssens",
            "Lambert",
            "Öztürk",
            "Mukendi",
            "Rossi",
            "Garcia",
            "Haddad",
            "Vandenberghe",
            "Nowak",
            "Diallo",
            "Claes",
        ],
    },
}
LANGUAGES = {
    "flanders": [("nl", 0.92), ("fr", 0.03), ("en", 0.05)],
    "wallonia": [("fr", 0.95), ("nl", 0.02), ("en", 0.03)],
    "brussels": [("fr", 0.70), ("nl", 0.18), ("en", 0.12)],
}
REQUEST_TEXTS = {
    "shopping": {
        "fr": "Courses hebdomadaires au supermarché du quartier.",
        "nl": "Wekelijkse boodschappen in de supermarkt om de hoek.",
        "en": "Weekly shopping at the local supermarket.",
    },
    "meals": {
        "fr": "Préparer un repas chaud deux fois par semaine.",
        "nl": "Twee keer per week een warme maaltijd klaarmaken.",
        "en": "Cook a warm meal twice a week.",
    },
    "transport": {
        "fr": "M'accompagner à mon rendez-vous à l'hôpital.",
        "nl": "Mij begeleiden naar mijn afspraak in het ziekenhuis.",
        "en": "Take me to my hospital appointment.",
    },
    "admin": {
        "fr": "M'aider à remplir des papiers pour la mutuelle.",
        "nl": "Hulp bij het invullen van papieren voor het ziekenfonds.",
        "en": "Help me fill in forms for the health insurance fund.",
    },
    "company": {
        "fr": "Une promenade et un café ensemble l'après-midi.",
        "nl": "Samen wandelen en een koffie drinken in de namiddag.",
        "en": "A walk and a coffee together in the afternoon.",
    },
    "jobs_garden": {
        "fr": "Tondre la pelouse et tailler la haie.",
        "nl": "Het gras maaien en de haag snoeien.",
        "en": "Mow the lawn and trim the hedge.",
    },
    "household": {
        "fr": "Un coup de main pour ranger et repasser.",
        "nl": "Een handje helpen met opruimen en strijken.",
        "en": "A hand with tidying up and ironing.",
    },
}
STREETS = {
    "flanders": ["Kerkstraat", "Stationsstraat", "Dorpsstraat", "Molenstraat", "Nieuwstraat"],
    "wallonia": [
        "Rue de l'Église",
        "Rue de la Station",
        "Rue Haute",
        "Rue du Moulin",
        "Grand-Place",
    ],
    "brussels": ["Rue Haute", "Chaussée de Wavre", "Avenue Louise", "Rue de Flandre", "Rue Royale"],
}


def _pick_language(rng: random.Random, region: str) -> str:
    codes, weights = zip(*LANGUAGES[region], strict=True)
    return rng.choices(codes, weights)[0]


def _near(rng: random.Random, municipality: Municipality, spread_km: float = 2.0):
    """A point a street or two away from the municipality's centre (addresses are private)."""
    dlat = rng.gauss(0, spread_km / 111.0 / 2)
    dlon = rng.gauss(0, spread_km / (111.0 * math.cos(math.radians(municipality.latitude))) / 2)
    return geo.point(municipality.latitude + dlat, municipality.longitude + dlon)


def _phone(rng: random.Random, *, mobile: bool) -> str:
    pairs = " ".join(str(rng.randint(10, 99)) for _ in range(3))
    prefix = f"4{rng.randint(70, 99)}" if mobile else str(rng.randint(2, 9))
    return f"+32 {prefix} {pairs}"


class Command(BaseCommand):
    help = "Create demo helppers, helppies and requests (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--helppers", type=int, default=300)
        parser.add_argument("--helppies", type=int, default=200)

    def handle(self, *args, helppers: int, helppies: int, **options):
        self.password = make_password(DEMO_PASSWORD)
        municipalities = list(gazetteer().municipalities.values())
        self.weights = [m.population for m in municipalities]
        self.municipalities = municipalities
        with transaction.atomic():
            self.coordinator = self._named_people()
        for n in tqdm(range(1, helppers + 1), desc="helppers", disable=options["verbosity"] < 1):
            self._helpper(n)
        for n in tqdm(range(1, helppies + 1), desc="helppies", disable=options["verbosity"] < 1):
            self._helppie(n)

    def _user(
        self, *, email: str, first: str, last: str, language: str, **fields
    ) -> tuple[User, bool]:
        user = User.objects.filter(email=email).first()
        if user:
            return user, False
        user = User.objects.create(
            email=email,
            first_name=first,
            last_name=last,
            preferred_language=language,
            password=self.password,
            **fields,
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user, True

    def _named_people(self) -> User:
        """The demo logins printed by `make run`."""
        coordinator, _ = self._user(
            email=f"coordinator@{DEMO_DOMAIN}",
            first="Claire",
            last="Coordinatrice",
            language="fr",
            is_staff=True,
            is_superuser=True,
        )
        jeanne, created = self._user(
            email=f"jeanne@{DEMO_DOMAIN}",
            first="Jeanne",
            last="Dupont",
            language="fr",
            is_helppie=True,
            phone="+32 2 555 01 23",
        )
        if created:
            place = Place.objects.create(
                owner=jeanne,
                street="Rue du Trône 12",
                postcode="1050",
                refnis="21009",
                municipality="Ixelles",
                location=geo.point(50.8366, 4.3687),
            )
            self._request(random.Random("jeanne"), jeanne, place, "fr")
        pieter, created = self._user(
            email=f"pieter@{DEMO_DOMAIN}",
            first="Pieter",
            last="Janssens",
            language="nl",
            is_helpper=True,
            phone="+32 470 12 34 56",
        )
        if created:
            profile = HelpperProfile.objects.create(
                user=pieter,
                postcode="1050",
                refnis="21009",
                municipality="Elsene",
                location=geo.point(50.8333, 4.3667),
                radius_m=5000,
                categories=list(Category.values),
                languages=["nl", "fr"],
                has_car=True,
                weekly_capacity_hours=8,
                id_checked=True,
                interview_done=True,
                approved_by=coordinator,
                approved_at=timezone.now(),
            )
            self._availability(profile, random.Random(0), every_day=True)
        return coordinator

    def _municipality(self, rng: random.Random) -> Municipality:
        return rng.choices(self.municipalities, self.weights)[0]

    def _availability(self, profile: HelpperProfile, rng: random.Random, every_day: bool = False):
        parts = [(time(8), time(12)), (time(12), time(17)), (time(17), time(21))]
        slots = [
            AvailabilitySlot(profile=profile, weekday=day, start=start, end=end)
            for day in range(7)
            for start, end in parts
            if every_day or rng.random() < 0.3
        ]
        AvailabilitySlot.objects.bulk_create(slots)

    @transaction.atomic
    def _helpper(self, n: int) -> None:
        rng = random.Random(f"helpper-{n}")
        municipality = self._municipality(rng)
        names = NAMES[municipality.region]
        language = _pick_language(rng, municipality.region)
        user, created = self._user(
            email=f"helpper-{n:04d}@{DEMO_DOMAIN}",
            first=rng.choice(names["first"]),
            last=rng.choice(names["last"]),
            language=language,
            is_helpper=True,
            phone=_phone(rng, mobile=True),
        )
        if not created:
            return
        vetted = rng.random() < 0.85
        languages = sorted(
            {language} | ({"fr", "nl", "en"} - {language} if rng.random() < 0.3 else set())
        )
        profile = HelpperProfile.objects.create(
            user=user,
            postcode=gazetteer().main_postcode(municipality.refnis),
            refnis=municipality.refnis,
            municipality=municipality.name(language),
            location=_near(rng, municipality),
            radius_m=rng.choice([2000, 3000, 5000, 5000, 8000, 10000, 15000]),
            categories=rng.sample(list(Category.values), rng.randint(2, 5)),
            languages=languages,
            has_car=rng.random() < 0.45,
            weekly_capacity_hours=rng.choice([2, 4, 4, 6, 8, 10]),
            id_checked=vetted,
            interview_done=vetted,
            approved_by=self.coordinator if vetted else None,
            approved_at=timezone.now() if vetted else None,
            is_paused=rng.random() < 0.05,
        )
        self._availability(profile, rng)

    @transaction.atomic
    def _helppie(self, n: int) -> None:
        rng = random.Random(f"helppie-{n}")
        municipality = self._municipality(rng)
        names = NAMES[municipality.region]
        language = _pick_language(rng, municipality.region)
        user, created = self._user(
            email=f"helppie-{n:04d}@{DEMO_DOMAIN}",
            first=rng.choice(names["first"]),
            last=rng.choice(names["last"]),
            language=language,
            is_helppie=True,
            phone=_phone(rng, mobile=False),
        )
        if not created:
            return
        place = Place.objects.create(
            owner=user,
            street=f"{rng.choice(STREETS[municipality.region])} {rng.randint(1, 180)}",
            postcode=gazetteer().main_postcode(municipality.refnis),
            refnis=municipality.refnis,
            municipality=municipality.name(language),
            location=_near(rng, municipality),
        )
        for _ in range(rng.choice([1, 1, 2])):
            self._request(rng, user, place, language)

    def _request(self, rng: random.Random, helppie: User, place: Place, language: str) -> None:
        category = rng.choice(list(Category.values))
        weekly = rng.random() < 0.35
        starts_on = timezone.localdate() + timedelta(days=rng.randint(1, 21))
        schedule = services.Schedule(
            starts_on=starts_on,
            start_time=time(rng.choice([9, 10, 11, 14, 15, 16])),
            duration_minutes=rng.choice([60, 90, 120]),
            recurrence="weekly" if weekly else "once",
            weekdays=(starts_on.weekday(),) if weekly else (),
            ends_on=starts_on + timedelta(weeks=rng.randint(4, 12)) if weekly else None,
        )
        services.help_request_create(
            helppie=helppie,
            created_by=helppie,
            place=place,
            category=category,
            description=REQUEST_TEXTS[category][language],
            schedule=schedule,
            hourly_allowance_cents=rng.choice([500, 600, 700, 800, 900, 1000, 1200]),
            languages=[language],
            car_needed=category == "transport" and rng.random() < 0.7,
        )
