"""A coordinator registers someone who called, without email, with their agreement recorded."""

from django.urls import reverse

from marketplace.models import Place, User

PERSON = {
    "first_name": "Georgette",
    "last_name": "Lambert",
    "phone": "+32 81 22 33 44",
    "preferred_language": "fr",
    "street": "Rue de Fer 3",
    "postcode": "5000",
}


def test_it_registers_a_person_by_phone_and_goes_on_to_their_first_request(claire, login):
    response = login(claire).post(reverse("intake"), {**PERSON, "agreed": "on"})

    person = User.objects.get(first_name="Georgette")
    assert response.status_code == 302
    assert response.url == f"{reverse('request_create')}?for={person.pk}"
    assert person.email is None and not person.has_usable_password()
    assert person.channel == User.Channel.PHONE and person.registered_by == claire
    assert person.consent_recorded_at is not None and person.is_helppie
    assert person.places.get().municipality == "Namur"


def test_it_refuses_without_the_persons_agreement_and_saves_nothing(claire, login):
    response = login(claire).post(reverse("intake"), PERSON)

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not User.objects.filter(first_name="Georgette").exists()


def test_it_saves_nothing_when_the_postcode_is_unknown(claire, login):
    login(claire).post(reverse("intake"), {**PERSON, "postcode": "0001", "agreed": "on"})

    assert not User.objects.filter(first_name="Georgette").exists()
    assert not Place.objects.filter(street="Rue de Fer 3").exists()


def test_a_coordinator_posts_the_first_request_on_their_behalf(claire, login):
    browser = login(claire)
    browser.post(reverse("intake"), {**PERSON, "agreed": "on"})
    person = User.objects.get(first_name="Georgette")
    from datetime import timedelta

    from django.utils import timezone

    response = browser.post(
        reverse("request_create"),
        {
            "for": person.pk,
            "category": "admin",
            "description": "Aide pour des papiers",
            "place": person.places.get().pk,
            "recurrence": "once",
            "starts_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "start_time": "14:00",
            "duration_minutes": "60",
            "hourly_allowance": "0",
            "languages": ["fr"],
        },
    )
    request = person.help_requests.get()
    assert response.status_code == 302
    assert request.created_by == claire and request.hourly_allowance_cents == 0


def test_it_is_for_coordinators_only(bob, login):
    response = login(bob).post(reverse("intake"), {**PERSON, "agreed": "on"})
    assert response.status_code == 302 and "/admin/login/" in response.url
    assert not User.objects.filter(first_name="Georgette").exists()


def test_a_helppie_cannot_post_for_someone_else(bob, jeanne, login):
    response = login(bob).get(f"{reverse('request_create')}?for={jeanne.pk}")
    assert "Rue du Trône" not in response.content.decode()
