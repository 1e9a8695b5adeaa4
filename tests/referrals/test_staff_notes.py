"""A coordinator's notes are screened too: what they reveal is not lost in a closed file."""

from referrals import services
from referrals.models import Case
from referrals.screening import screen

MONEY_FR = "Je n'arrive plus à payer mes factures d'énergie depuis des mois, je suis à bout."
CRISIS_NOTE = "Au téléphone elle m'a dit qu'elle ne voulait plus vivre et pensait à en finir."
ORDINARY_NOTE = "Rappelée mardi, elle a pris rendez-vous au CPAS."


def open_case(person, text=MONEY_FR):
    return services.case_open(
        person=person, screening=screen(text, "fr", {}), source="request", source_ref="t"
    )


def test_a_note_revealing_a_crisis_raises_the_open_case(jeanne, nadia):
    case = services.case_move(case=open_case(jeanne), to="accepted", by=nadia)
    before = case.due_at
    case = services.case_move(case=case, to="in_progress", by=nadia, note=CRISIS_NOTE)
    case.refresh_from_db()
    assert case.tier == "crisis" and case.due_at < before
    assert case.events.last().action == "raised"
    assert case.events.last().detail["source"] == "staff_note"


def test_an_ordinary_note_changes_nothing(jeanne, nadia):
    case = services.case_move(case=open_case(jeanne), to="accepted", by=nadia)
    tier = case.tier
    case = services.case_move(case=case, to="in_progress", by=nadia, note=ORDINARY_NOTE)
    case.refresh_from_db()
    assert case.tier == tier and case.events.last().action == "moved"
    assert Case.objects.count() == 1


def test_a_worrying_note_on_closing_opens_a_new_case(jeanne, nadia):
    case = open_case(jeanne)
    for step in ("accepted", "in_progress"):
        case = services.case_move(case=case, to=step, by=nadia)
    services.case_move(case=case, to="completed", by=nadia, outcome="got_help", note=CRISIS_NOTE)
    new = Case.objects.exclude(pk=case.pk).get()
    assert (new.person, new.tier, new.source) == (jeanne, "crisis", "staff_note")
    assert new.source_ref == f"case:{case.pk}"
