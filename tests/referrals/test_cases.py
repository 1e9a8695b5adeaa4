"""Staff close the loop: cases with targets and history, explicit consent, referrals, alerts."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from marketplace.models import Visit
from referrals import services
from referrals.models import AccessLog, Case, Consent, Referral, SentinelAlert, Service, VisitReport
from referrals.screening import screen
from tests import factories

CRISIS_FR = "Je ne veux plus vivre, j'ai tout préparé pour en finir ce soir."
MONEY_FR = "Je n'arrive plus à payer mes factures d'énergie depuis des mois, je suis à bout."


def open_case(person, text=MONEY_FR, source="request"):
    return services.case_open(
        person=person, screening=screen(text, "fr", {}), source=source, source_ref="t"
    )


def test_posting_a_crisis_shows_the_numbers_at_once_and_opens_an_urgent_case(
    jeanne, social_map, login
):
    browser = login(jeanne)
    response = browser.post(
        reverse("request_create"),
        {
            "category": "company",
            "description": CRISIS_FR,
            "place": jeanne.places.get().pk,
            "recurrence": "once",
            "starts_on": (timezone.localdate() + timedelta(days=2)).isoformat(),
            "start_time": "15:00",
            "duration_minutes": "60",
            "hourly_allowance": "5",
            "languages": ["fr"],
        },
        follow=True,
    )
    page = response.content.decode()
    assert "0800 32 123" in page and "112" in page and "1813" not in page
    case = Case.objects.get(person=jeanne)
    assert case.tier == "crisis" and case.due_at <= timezone.now() + timedelta(hours=1)
    assert CRISIS_FR not in str(case.evidence) and all(len(e["text"]) <= 80 for e in case.evidence)


def test_an_ordinary_request_opens_no_case_and_shows_no_notice(jeanne, social_map, login):
    request = factories.help_request(
        helppie=jeanne, description="Des courses au Delhaize le jeudi."
    )
    page = login(jeanne).get(reverse("request_detail", args=[request.pk])).content.decode()
    assert not Case.objects.exists() and "Le saviez-vous" not in page and "0800 32 123" not in page


def test_the_notice_is_only_for_the_writer(jeanne, pieter, social_map, login):
    request = factories.help_request(helppie=jeanne, description=MONEY_FR)
    assert (
        "notice" in login(jeanne).get(reverse("request_detail", args=[request.pk])).content.decode()
    )
    helpper_page = login(pieter).get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "CPAS" not in helpper_page and 'class="card notice' not in helpper_page


def test_talk_to_a_coordinator_records_consent_and_opens_a_case(jeanne, login):
    login(jeanne).post(reverse("talk_to_coordinator"), {"next": "/"})
    consent = Consent.objects.get(person=jeanne)
    assert consent.purpose == "contact" and consent.channel == "web"
    assert Case.objects.get(person=jeanne).source == "self"


def test_a_case_moves_through_its_states_with_its_history(jeanne, nadia):
    case = open_case(jeanne)
    for step in ("accepted", "in_progress"):
        case = services.case_move(case=case, to=step, by=nadia)
    with pytest.raises(ValidationError):
        services.case_move(case=case, to="completed", by=nadia)  # an outcome is needed
    case = services.case_move(case=case, to="completed", by=nadia, outcome="got_help")
    assert case.closed_at and case.assigned_to == nadia
    assert [e.action for e in case.events.all()] == ["opened", "moved", "moved", "moved"]
    assert case.events.last().detail == {
        "from": "in_progress",
        "to": "completed",
        "outcome": "got_help",
    }


def test_a_case_cannot_skip_a_step(jeanne, nadia):
    with pytest.raises(ValidationError):
        services.case_move(case=open_case(jeanne), to="completed", by=nadia, outcome="got_help")


def test_the_queue_puts_crisis_first_then_the_oldest(jeanne, bob, nadia, login):
    older = open_case(bob)
    Case.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - timedelta(days=5), due_at=timezone.now() - timedelta(days=2)
    )
    crisis = open_case(jeanne, CRISIS_FR)
    page = login(nadia).get(reverse("case_queue")).content.decode()
    assert page.index(f"/staff/cases/{crisis.pk}/") < page.index(f"/staff/cases/{older.pk}/")
    assert "overdue" in page


def test_every_view_and_change_is_logged(jeanne, nadia, login):
    case = open_case(jeanne)
    browser = login(nadia)
    browser.get(reverse("case_detail", args=[case.pk]))
    browser.post(reverse("case_move", args=[case.pk]), {"to": "accepted"})
    actions = list(
        AccessLog.objects.filter(case_ref=case.pk, user=nadia).values_list("action", flat=True)
    )
    assert "view" in actions and "moved" in actions


def test_a_referral_needs_consent_to_share_with_that_service(jeanne, nadia, social_map):
    case = open_case(jeanne)
    cpas = Service.objects.get(name__en__startswith="Social aid of your municipality")
    with pytest.raises(ValidationError):
        services.referral_make(case=case, service=cpas, by=nadia, follow_up_on=timezone.localdate())
    services.consent_record(
        person=jeanne, purpose="share", channel="phone", by=nadia, service=cpas, case=case
    )
    referral = services.referral_make(
        case=case, service=cpas, by=nadia, follow_up_on=timezone.localdate() + timedelta(days=7)
    )
    assert referral.status == "proposed"


def test_follow_up_reminders_go_to_the_coordinator_once(jeanne, nadia, social_map):
    from referrals.tasks import referral_reminders

    case = open_case(jeanne)
    cpas = Service.objects.get(name__en__startswith="Social aid of your municipality")
    services.consent_record(
        person=jeanne, purpose="share", channel="phone", by=nadia, service=cpas, case=case
    )
    services.referral_make(case=case, service=cpas, by=nadia, follow_up_on=timezone.localdate())
    assert referral_reminders() == 1 and referral_reminders() == 0
    assert mail.outbox[0].to == [nadia.email]


def test_a_sentinel_alert_needs_consent_and_a_coordinators_decision(
    jeanne, nadia, django_capture_on_commit_callbacks
):
    case = open_case(jeanne, "Je suis indépendant, mon commerce coule et je n'en dors plus.")
    with pytest.raises(ValidationError):
        services.sentinel_alert_raise(case=case, by=nadia, self_employed=True)
    services.consent_record(
        person=jeanne, purpose="sentinel_alert", channel="phone", by=nadia, case=case
    )
    with pytest.raises(ValidationError):
        services.sentinel_alert_raise(case=case, by=nadia, self_employed=False)

    with django_capture_on_commit_callbacks(execute=True):
        alert = services.sentinel_alert_raise(case=case, by=nadia, self_employed=True)

    alert.refresh_from_db()
    assert alert.status == "sent" and alert.sent_at and alert.payload["phone"] == jeanne.phone
    (message,) = mail.outbox
    assert message.to == ["alert@un-pass.be"] and jeanne.phone in message.body


def test_withdrawing_consent_stops_what_depended_on_it(jeanne, nadia, social_map):
    from referrals.tasks import send_sentinel_alert

    case = open_case(jeanne)
    consent = services.consent_record(
        person=jeanne, purpose="sentinel_alert", channel="phone", by=nadia, case=case
    )
    alert = services.sentinel_alert_raise(case=case, by=nadia, self_employed=True)
    cpas = Service.objects.get(name__en__startswith="Social aid of your municipality")
    share = services.consent_record(
        person=jeanne, purpose="share", channel="phone", by=nadia, service=cpas, case=case
    )
    referral = services.referral_make(
        case=case, service=cpas, by=nadia, follow_up_on=timezone.localdate()
    )

    services.consent_withdraw(consent=consent, by=jeanne)
    services.consent_withdraw(consent=share, by=jeanne)

    assert SentinelAlert.objects.get(pk=alert.pk).status == "stopped"
    assert Referral.objects.get(pk=referral.pk).status == "stopped"
    assert send_sentinel_alert.call(alert.pk) is False and not mail.outbox


def test_a_person_withdraws_from_their_own_page(jeanne, login):
    services.coordinator_contact_ask(person=jeanne)
    consent = Consent.objects.get(person=jeanne)
    login(jeanne).post(reverse("consent_withdraw", args=[consent.pk]))
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is not None
    assert Case.objects.get(person=jeanne).status == "cancelled"


def done_visit(shopping, pieter):
    visit = shopping.visits.get()
    Visit.objects.filter(pk=visit.pk).update(helpper=pieter, status="done")
    return Visit.objects.get(pk=visit.pk)


def test_a_helppers_report_feeds_the_queue(shopping, pieter, login):
    visit = done_visit(shopping, pieter)
    login(pieter).post(
        reverse("visit_report", args=[visit.pk]), {"concerns": ["not_wanting_to_live"], "text": ""}
    )
    case = Case.objects.get(person=shopping.helppie)
    assert (
        case.tier == "crisis"
        and case.source == "visit_report"
        and case.orientation[0] == "crisis_line"
    )
    assert VisitReport.objects.get().case == case


def test_only_the_helpper_of_the_visit_reports_on_it(shopping, pieter, sofie, login):
    visit = done_visit(shopping, pieter)
    assert login(sofie).get(reverse("visit_report", args=[visit.pk])).status_code == 404


def test_repeated_concern_reports_become_a_signal(shopping, pieter, claire):
    visit = done_visit(shopping, pieter)
    services.visit_report_submit(visit=visit, helpper=pieter, concerns=["lonely"])
    other = factories.helpper(postcode="1050", by=claire)
    second = factories.help_request(helppie=shopping.helppie, days_ahead=5)
    visit2 = second.visits.get()
    Visit.objects.filter(pk=visit2.pk).update(helpper=other, status="done")
    services.visit_report_submit(
        visit=Visit.objects.get(pk=visit2.pk), helpper=other, concerns=["lonely"]
    )

    opened = services.signals_scan()

    assert [c.source_ref for c in opened] == ["signal.repeated_concerns"]
    assert services.signals_scan() == []  # once while the case is open


def test_closed_cases_are_purged_after_the_retention_period(jeanne, nadia):
    from django.core.management import call_command

    old = open_case(jeanne)
    Case.objects.filter(pk=old.pk).update(
        status="cancelled", closed_at=timezone.now() - timedelta(days=400)
    )
    recent = open_case(jeanne, source="message")
    services.access_log(user=nadia, case=old, action="view")

    call_command("purge_referrals")

    assert list(Case.objects.values_list("pk", flat=True)) == [recent.pk]
    assert AccessLog.objects.filter(case_ref=old.pk).exists()
