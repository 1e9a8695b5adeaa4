"""Factories for the people and things of the stories the tests tell."""

from datetime import time, timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from marketplace import geo, services
from marketplace.choices import Category
from marketplace.geocoding import gazetteer
from marketplace.models import AvailabilitySlot, HelpperProfile, Place, User

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    preferred_language = "fr"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        if create and user.email:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


def place_at(owner: User, postcode: str, street: str = "Rue de la Paix 1") -> Place:
    municipality = gazetteer().municipality_for_postcode(postcode)
    return Place.objects.create(
        owner=owner,
        street=street,
        postcode=postcode,
        refnis=municipality.refnis,
        municipality=municipality.name_fr,
        location=geo.point(municipality.latitude, municipality.longitude),
    )


def helpper(
    *,
    postcode: str = "1000",
    radius_m: int = 5000,
    categories: tuple[str, ...] = tuple(Category.values),
    languages: tuple[str, ...] = ("fr", "nl"),
    has_car: bool = False,
    vetted: bool = True,
    paused: bool = False,
    by: User | None = None,
    **user_fields,
) -> User:
    """A helpper living at a postcode's centre, vetted unless told otherwise, free every day."""
    user = UserFactory(is_helpper=True, **user_fields)
    municipality = gazetteer().municipality_for_postcode(postcode)
    profile = HelpperProfile.objects.create(
        user=user,
        postcode=postcode,
        refnis=municipality.refnis,
        municipality=municipality.name_fr,
        location=geo.point(municipality.latitude, municipality.longitude),
        radius_m=radius_m,
        categories=list(categories),
        languages=list(languages),
        has_car=has_car,
        is_paused=paused,
    )
    if vetted:
        profile.id_checked = profile.interview_done = True
        profile.save()
        profile.approve(by=by or UserFactory(is_staff=True))
    AvailabilitySlot.objects.bulk_create(
        AvailabilitySlot(profile=profile, weekday=day, start=time(8), end=time(21))
        for day in range(7)
    )
    return user


def help_request(
    *,
    helppie: User,
    place: Place | None = None,
    category: str = Category.SHOPPING,
    days_ahead: int = 3,
    languages: tuple[str, ...] = ("fr",),
    car_needed: bool = False,
    **fields,
):
    schedule = services.Schedule(
        starts_on=timezone.localdate() + timedelta(days=days_ahead),
        start_time=time(10),
        duration_minutes=60,
    )
    return services.help_request_create(
        helppie=helppie,
        created_by=helppie,
        place=place or helppie.places.first() or place_at(helppie, "1050"),
        category=category,
        description=fields.pop("description", "Courses au supermarché"),
        schedule=schedule,
        hourly_allowance_cents=fields.pop("hourly_allowance_cents", 800),
        languages=list(languages),
        car_needed=car_needed,
        **fields,
    )


def invitation(request, helpper: User, *, hours: float = 5, **fields):
    """`helpper` asked first for `request`, answering within `hours` (negative: expired)."""
    from matching.models import Invitation

    return Invitation.objects.create(
        request=request,
        helpper=helpper,
        rank=1,
        score=1.0,
        expires_at=timezone.now() + timedelta(hours=hours),
        **fields,
    )


def partner_fund():
    """A partner fund paying € 3.00 an hour, up to € 10.00 a year per member."""
    from payments_stub.models import PartnerFund

    return PartnerFund.objects.create(
        name="Mutualité Test",
        code="test",
        member_number_pattern=r"\d{3}-\d{6}-\d{2}",
        member_number_example="123-456789-01",
        contribution_per_hour_cents=300,
        annual_cap_cents=1_000,
    )
