"""A whole week at once: more visits served than first-come-first-served, never over capacity."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from marketplace.choices import Category
from marketplace.models import HelpRequest, Visit
from matching import assignment
from matching.models import WeekPlan
from tests import factories


def next_week_start():
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


def visit_on(helppie, postcode, *, day, hour=10, category=Category.SHOPPING, minutes=60):
    place = factories.place_at(helppie, postcode)
    request = factories.help_request(
        helppie=helppie,
        place=place,
        category=category,
        days_ahead=(next_week_start() - timezone.localdate()).days + day,
    )
    visit = request.visits.get()
    start = visit.starts_at.replace(hour=hour)
    Visit.objects.filter(pk=visit.pk).update(
        starts_at=start, ends_at=start + timedelta(minutes=minutes)
    )
    return Visit.objects.get(pk=visit.pk)


@pytest.fixture
def tricky_week(claire):
    """Greedy's trap: the first visit posted takes the only helpper the second could have had.

    Anna (Ixelles) does shopping and gardening; Bert (Brussels centre) only shopping. The
    shopping visit in Ixelles is posted first: greedy gives it Anna (nearest), and the gardening
    visit is left with nobody. The optimum gives shopping to Bert and gardening to Anna.
    """
    anna = factories.helpper(
        postcode="1050",
        first_name="Anna",
        by=claire,
        categories=(Category.SHOPPING, Category.JOBS_GARDEN),
    )
    bert = factories.helpper(
        postcode="1000", first_name="Bert", by=claire, categories=(Category.SHOPPING,)
    )
    for helpper in (anna, bert):
        helpper.helpper_profile.weekly_capacity_hours = 1
        helpper.helpper_profile.save()
    jeanne = factories.UserFactory(is_helppie=True)
    marie = factories.UserFactory(is_helppie=True)
    shopping = visit_on(jeanne, "1050", day=1)
    garden = visit_on(marie, "1050", day=2, category=Category.JOBS_GARDEN)
    HelpRequest.objects.filter(pk=garden.request_id).update(
        created_at=timezone.now() + timedelta(minutes=1)
    )
    return anna, bert, shopping, garden


def test_it_serves_more_visits_than_greedy(tricky_week):
    anna, bert, shopping, garden = tricky_week

    plan = assignment.plan_week(week_start=next_week_start())

    assert plan.assignments == {shopping.pk: bert.pk, garden.pk: anna.pk}
    assert plan.stats["fill_rate"] == 1.0 and plan.stats["greedy_fill_rate"] == 0.5


def test_it_never_exceeds_a_helppers_weekly_hours(claire):
    only = factories.helpper(postcode="1050", by=claire)
    only.helpper_profile.weekly_capacity_hours = 2
    only.helpper_profile.save()
    helppie = factories.UserFactory(is_helppie=True)
    visits = [visit_on(helppie, "1050", day=day, minutes=90) for day in range(3)]

    plan = assignment.plan_week(week_start=next_week_start())

    assert list(plan.assignments.values()) == [only.pk]
    assert set(plan.assignments) <= {v.pk for v in visits}


def test_it_never_gives_one_helpper_two_overlapping_visits(claire):
    factories.helpper(postcode="1050", by=claire)
    helppie = factories.UserFactory(is_helppie=True)
    visit_on(helppie, "1050", day=1, hour=11, minutes=120)
    visit_on(helppie, "1050", day=1, hour=12, minutes=60)

    plan = assignment.plan_week(week_start=next_week_start())

    assert len(plan.assignments) == 1


def test_applying_a_plan_assigns_the_visits(tricky_week, claire):
    anna, bert, shopping, garden = tricky_week
    plan = assignment.plan_week(week_start=next_week_start())

    applied = assignment.plan_apply(assignments=plan.assignments, by=claire)

    assert applied == 2
    assert Visit.objects.get(pk=shopping.pk).helpper == bert
    assert HelpRequest.objects.get(pk=garden.request_id).status == HelpRequest.Status.MATCHED


def test_the_command_reports_against_greedy(tricky_week):
    out = StringIO()
    call_command(
        "assign_week", "--week", next_week_start().strftime("%G-W%V"), stdout=out, verbosity=0
    )
    assert "served 2 (100.0%)" in out.getvalue() and "served 1 (50.0%)" in out.getvalue()


def test_staff_preview_and_apply_the_plan_on_a_page(tricky_week, claire, login):
    anna, bert, shopping, garden = tricky_week
    browser = login(claire)
    week = next_week_start().strftime("%G-W%V")

    browser.post(reverse("week_planner"), {"week": week, "action": "plan"})
    plan = WeekPlan.objects.get()
    page = browser.get(reverse("week_planner"), {"week": week}).content.decode()
    assert Visit.objects.get(pk=shopping.pk).status == Visit.Status.OPEN
    assert "2 / 2" in page and "1 / 2" in page

    browser.post(reverse("week_planner"), {"week": week, "action": "apply", "plan": plan.pk})
    assert Visit.objects.get(pk=garden.pk).helpper == anna


def test_the_week_planner_names_the_week_with_its_days_in_the_readers_language(claire, login):
    page = login(claire).get(reverse("week_planner"), {"week": "2026-W49"}).content.decode()
    assert "Semaine 49 (du 30 novembre au 6 décembre 2026)" in page
    assert 'value="2026-W49"' in page  # the ISO week stays the form's and the address's value


def test_the_week_planner_is_for_staff_only(bob, login):
    assert login(bob).get(reverse("week_planner")).status_code == 302


@pytest.mark.parametrize("text", ["2026-49", "W49", "2026-W60"])
def test_it_refuses_a_malformed_week(text):
    with pytest.raises(ValueError):
        assignment.parse_week(text)
