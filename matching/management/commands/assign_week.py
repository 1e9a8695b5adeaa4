"""Assign every open visit of an ISO week optimally, and compare with first-come-first-served."""

from django.core.management.base import BaseCommand, CommandError

from matching.assignment import parse_week, plan_apply, plan_week


class Command(BaseCommand):
    help = "Plan (and with --apply, assign) every open visit of a week: assign_week --week 2026-W49"

    def add_arguments(self, parser):
        parser.add_argument("--week", required=True, help="ISO week, e.g. 2026-W49")
        parser.add_argument("--per-visit", type=int, default=20, help="candidates per visit")
        parser.add_argument("--apply", action="store_true", help="assign the visits as planned")

    def handle(self, *args, week: str, per_visit: int, apply: bool, **options):
        try:
            week_start = parse_week(week)
        except ValueError as error:
            raise CommandError(str(error)) from None
        plan = plan_week(
            week_start=week_start, per_visit=per_visit, show_progress=options["verbosity"] > 0
        )
        s = plan.stats
        self.stdout.write(
            f"{week}: {s['visits']} open visits, {s['helppers']} helppers, "
            f"{s['arcs']} candidate arcs, solved in {s['seconds']} s"
        )
        for name, served, rate, km, mean in [
            ("optimal", s["served"], s["fill_rate"], s["km"], s["mean_km"]),
            (
                "greedy",
                s["greedy_served"],
                s["greedy_fill_rate"],
                s["greedy_km"],
                s["greedy_mean_km"],
            ),
        ]:
            self.stdout.write(
                f"  {name + ':':9}served {served} ({rate:.1%}), {km} km, {mean} km per visit"
            )
        if apply:
            from marketplace.models import User

            coordinator = User.objects.filter(is_staff=True).order_by("pk").first()
            if coordinator is None:
                raise CommandError("applying needs a staff user to act as the coordinator")
            applied = plan_apply(assignments=plan.assignments, by=coordinator)
            self.stdout.write(self.style.SUCCESS(f"  applied: {applied} visits assigned"))
