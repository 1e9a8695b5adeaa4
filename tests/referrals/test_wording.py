"""Staff read cases and emails in words and in their language, never as stored codes."""

from datetime import date
from types import SimpleNamespace

from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from referrals import services
from referrals.labels import event_text
from referrals.models import Service, VisitReport
from referrals.tasks import referral_reminders
from tests import factories
from tests.referrals.test_cases import done_visit

# What screening found in "Je n'arrive plus à payer mes factures" (built here, not screened: these
# stories are about wording, whatever the screening of the day says).
MONEY = SimpleNamespace(
    tier="moderate",
    needs=["financial_hardship"],
    orientation=["cpas", "mutuality_social_service"],
    evidence=[SimpleNamespace(rule="fr.money.1", text="payer mes factures")],
)
SELF_EMPLOYED = SimpleNamespace(
    tier="high",
    needs=["selfemployed_distress", "financial_hardship"],
    orientation=["sentinel_programme"],
    evidence=[SimpleNamespace(rule="fr.selfemployed.1", text="mon commerce coule")],
)


def open_case(person, screening=MONEY):
    return services.case_open(person=person, screening=screening, source="request")


def test_the_case_page_says_the_needs_the_orientation_and_the_history_in_words(
    jeanne, nadia, login
):
    case = open_case(jeanne)
    assert "financial_hardship" in case.needs and "cpas" in case.orientation
    html = login(nadia).get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Difficultés financières" in html and "Aide sociale (CPAS)" in html
    assert "financial_hardship" not in html and "cpas," not in html
    assert "Ouvert (" in html  # the "opened" event, as a sentence
    assert "{&#x27;" not in html and "{'tier'" not in html  # no raw JSON of the event


def test_a_signal_noticed_over_time_reads_in_the_coordinators_language(
    shopping, pieter, claire, nadia, login
):
    for helpper in (pieter, factories.helpper(postcode="1050", by=claire)):
        visit = done_visit(factories.help_request(helppie=shopping.helppie), helpper)
        VisitReport.objects.create(visit=visit, helpper=helpper, concerns=["lonely"])
    (case,) = services.signals_scan()
    # Stored in English, whoever reads it.
    assert case.evidence[0]["text"] == "helppers reported concerns repeatedly"
    nadia.preferred_language = "nl"
    nadia.save(update_fields=["preferred_language"])
    html = login(nadia).get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "helppers meldden herhaaldelijk zorgen" in html
    assert "reported concerns repeatedly" not in html


def test_the_follow_up_reminder_is_in_the_language_of_the_coordinator_who_referred(
    jeanne, nadia, social_map
):
    nadia.preferred_language = "nl"
    nadia.save(update_fields=["preferred_language"])
    case = open_case(jeanne)
    cpas = Service.objects.get(name__en__startswith="Social aid of your municipality")
    services.consent_record(
        person=jeanne, purpose="share", channel="phone", by=nadia, service=cpas, case=case
    )
    due = timezone.localdate()
    services.referral_make(case=case, service=cpas, by=nadia, follow_up_on=due)

    referral_reminders()

    (message,) = mail.outbox
    assert message.subject == "Neighbourhelp: een doorverwijzing om op te volgen"
    assert f"Dossier nr. {case.pk}" in message.body and cpas.name["nl"] in message.body
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus"]
    months += ["september", "oktober", "november", "december"]
    assert f"{due.day} {months[due.month - 1]} {due.year}" in message.body
    assert f"/staff/cases/{case.pk}/" in message.body


def test_the_sentinel_alert_names_every_field_in_words(
    jeanne, nadia, django_capture_on_commit_callbacks
):
    case = open_case(jeanne, SELF_EMPLOYED)
    services.consent_record(
        person=jeanne, purpose="sentinel_alert", channel="phone", by=nadia, case=case
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.sentinel_alert_raise(case=case, by=nadia, self_employed=True)

    (message,) = mail.outbox
    assert message.subject.startswith("Neighbourhelp : alerte")
    assert f"Prénom: {jeanne.first_name}" in message.body
    assert f"Téléphone: {jeanne.phone}" in message.body
    assert "Indépendant en détresse" in message.body and "Par téléphone" in message.body
    assert "first_name" not in message.body and "selfemployed_distress" not in message.body


def test_the_service_form_labels_are_in_the_readers_language(claire, social_map, login):
    service = Service.objects.order_by("name").first()
    html = login(claire).get(reverse("service_edit", args=[service.pk])).content.decode()
    assert "Nom en néerlandais" in html and "Description en anglais" in html
    assert "Naam (NL)" not in html


def test_an_event_this_page_does_not_know_shows_its_code():
    assert event_text("something_new", {"x": 1}) == "something_new"
    assert event_text("moved", {"from": "requested", "to": "accepted", "outcome": ""})


def test_a_referral_event_gives_the_follow_up_day_in_the_readers_format():
    with translation.override("fr"):
        text = event_text("referred", {"follow_up_on": date(2026, 12, 3).isoformat()})
    assert text == "Orienté vers un service, suivi prévu le 03/12/2026"
