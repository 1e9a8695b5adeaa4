"""Pages of matching: a helpper's invitations, and the coordinator's view of candidates."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from marketplace import selectors as marketplace_selectors
from marketplace.models import HelpRequest, User, Visit
from matching import assignment, reasons, selectors, services
from matching.models import Invitation, WeekPlan


def _invitation_for(user, pk: int) -> Invitation:
    invitation = Invitation.objects.filter(pk=pk, helpper=user).select_related("request").first()
    if invitation is None:
        raise Http404
    return invitation


@login_required
def invitations(request):
    waiting = selectors.invitations_waiting(helpper=request.user)
    return render(
        request, "matching/invitations.html", {"cards": selectors.invitation_cards(waiting)}
    )


@login_required
@require_POST
def invitation_answer(request, pk: int):
    """Answer an invitation. With htmx the answered card replaces the form; without, a redirect."""
    invitation = _invitation_for(request.user, pk)
    interested = request.POST.get("answer") == "yes"
    try:
        services.invitation_answer(
            invitation=invitation, helpper=request.user, interested=interested
        )
    except ValidationError as error:
        text, ok = " ".join(error.messages), False
    else:
        ok = True
        if interested and invitation.visit_id:
            text = _("Thank you! The visit is yours.")
        elif interested:
            text = _("Thank you! The person will choose soon; we will tell you.")
        else:
            text = _("Noted. Thank you for answering.")
    if request.htmx:
        return render(
            request,
            "matching/_invitation_answered.html",
            {"invitation": invitation, "text": text, "ok": ok},
        )
    (messages.success if ok else messages.error)(request, text)
    # Answered from the home page (without JavaScript): back there, not to the full list.
    return redirect("home" if request.POST.get("from") == "home" else "invitations")


@staff_member_required
def request_matching(request, pk: int):
    help_request = HelpRequest.objects.select_related("place", "helppie").filter(pk=pk).first()
    if help_request is None:
        raise Http404
    if request.method == "POST":
        sent = services.invitations_send(request=help_request)
        invited = ngettext("%(n)d more helpper invited.", "%(n)d more helppers invited.", len(sent))
        messages.success(request, invited % {"n": len(sent)})
        return redirect("request_matching", pk=pk)
    candidates = services.candidates_for(request=help_request, limit=20)
    rows = [{"candidate": c, "why": reasons.sentence(c.reasons)} for c in candidates]
    sent = help_request.invitations.select_related("helpper", "visit").order_by("visit", "rank")
    return render(
        request,
        "matching/request_matching.html",
        {"help_request": help_request, "rows": rows, "invitations": sent},
    )


@staff_member_required
def week_planner(request):
    """Staff preview the optimal plan for a week beside first-come-first-served, then apply it."""
    default_week = (timezone.localdate() + timedelta(days=7)).strftime("%G-W%V")
    week = request.POST.get("week") or request.GET.get("week") or default_week
    try:
        week_start = assignment.parse_week(week)
    except ValueError:
        messages.error(request, _("Give a week like %(example)s.") % {"example": default_week})
        return redirect("week_planner")
    if request.method == "POST" and request.POST.get("action") == "plan":
        plan = assignment.plan_week(week_start=week_start)
        WeekPlan.objects.create(
            week_start=week_start,
            created_by=request.user,
            assignments={str(v): h for v, h in plan.assignments.items()},
            stats=plan.stats,
        )
        return redirect(f"{reverse('week_planner')}?week={week}")
    if request.method == "POST" and request.POST.get("action") == "apply":
        plan = get_object_or_404(
            WeekPlan, pk=_whole_number(request.POST.get("plan")), applied_at__isnull=True
        )
        applied = assignment.plan_apply(
            assignments={int(v): h for v, h in plan.assignments.items()}, by=request.user
        )
        plan.applied_at, plan.applied_count = timezone.now(), applied
        plan.save(update_fields=["applied_at", "applied_count"])
        assigned = ngettext("%(n)d visit assigned.", "%(n)d visits assigned.", applied)
        messages.success(request, assigned % {"n": applied})
        return redirect(f"{reverse('week_planner')}?week={week}")
    plan = WeekPlan.objects.filter(week_start=week_start).first()
    rows = []
    if plan:
        visits = Visit.objects.filter(pk__in=[int(v) for v in plan.assignments]).select_related(
            "request", "request__helppie"
        )
        helppers = User.objects.in_bulk(set(plan.assignments.values()))
        rows = [
            {"visit": visit, "helpper": helppers.get(plan.assignments[str(visit.pk)])}
            for visit in visits[:300]
        ]
    context = {"week": week, "week_title": _week_title(week_start), "plan": plan, "rows": rows}
    return render(request, "matching/week_planner.html", context)


def _week_title(monday: date) -> str:
    """ "Week 49 (30 November – 6 December 2026)" in the reader's language; the ISO form
    ("2026-W49") stays for forms and addresses."""
    sunday = monday + timedelta(days=6)
    first = date_format(monday, "j F" if monday.year == sunday.year else "j F Y")
    return _("Week %(number)d (%(first)s – %(last)s)") % {
        "number": monday.isocalendar().week,
        "first": first,
        "last": date_format(sunday, "j F Y"),
    }


@login_required
@require_POST
def visit_release(request, pk: int):
    """The usual helpper cannot make one visit: hand it over to the backup, then others."""
    visit = marketplace_selectors.visit_for(user=request.user, pk=pk)
    try:
        services.visit_release(visit=visit, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Thank you for telling us in time. We are asking someone else.")
        )
    return redirect("request_detail", pk=visit.request_id)


def _whole_number(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


@login_required
@require_POST
def backup_choose(request, pk: int):
    help_request = marketplace_selectors.help_request_for(user=request.user, pk=pk)
    helpper = User.objects.filter(pk=_whole_number(request.POST.get("helpper"))).first()
    if helpper is None:
        messages.error(request, _("Choose one of the helppers who offered."))
        return redirect("request_detail", pk=pk)
    try:
        services.backup_set(request=help_request, helpper=helpper, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(name)s is the backup for this help.") % {"name": helpper.short_name}
        )
    return redirect("request_detail", pk=pk)
