"""Pages of payments: the helpper's earnings and hours, the helppie's answers and statements,
the staff's billing overview and dispute queue. Thin: parse, call one service, render."""

from __future__ import annotations

import csv
from functools import partial

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from payments_stub import billing, periods, selectors, services, tasks
from payments_stub.forms import DisputeForm, HoursForm, MembershipForm, RefundForm, SettleForm, at
from payments_stub.models import FundMembership, HoursLog, Statement
from payments_stub.money import euro_plain


def _show_errors(form, error: ValidationError) -> None:
    """Put a service's errors on the form: under their field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- the helpper ------------------------------------------------------------------------------


@login_required
def earnings(request):
    helpper, today = request.user, timezone.localdate()
    month = selectors.earnings(helpper, **_bounds(periods.month_bounds(today)))
    year = selectors.earnings(helpper, **_bounds(periods.year_bounds(today.year)))
    context = {
        "this_month": month,
        "this_year": year,
        "today": today,
        "cap": selectors.cap_from(year.gross_cents + year.waiting_cents, year=today.year),
        "to_log": selectors.visits_to_log(helpper=helpper)[:50],
        "hours": selectors.hours_of_helpper(helpper=helpper)[:50],
        "statements": selectors.statements_of(person=helpper).filter(kind=Statement.Kind.HELPPER)[
            :24
        ],
        "years": selectors.certificate_years(helpper=helpper),
    }
    return render(request, "payments_stub/earnings.html", context)


def _bounds(pair) -> dict:
    return {"start": pair[0], "end": pair[1]}


@login_required
def hours_log(request, visit_pk: int):
    visit = selectors.visit_for_hours(user=request.user, pk=visit_pk)
    logged = HoursLog.objects.filter(visit=visit).first()
    if logged is not None:
        return redirect("hours_review", pk=logged.pk)
    start, end = timezone.localtime(visit.starts_at), timezone.localtime(visit.ends_at)
    initial = {"started_at": start.time(), "ended_at": end.time(), "break_minutes": 0}
    form = HoursForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hours = services.hours_log(
                visit=visit,
                helpper=request.user,
                started_at=at(start.date(), data["started_at"]),
                ended_at=at(start.date(), data["ended_at"]),
                break_minutes=data["break_minutes"],
                note=data["note"],
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you. %(name)s will be asked to confirm these hours.")
                % {"name": hours.visit.request.helppie.short_name},
            )
            return redirect("earnings")
    return render(request, "payments_stub/hours_log.html", {"visit": visit, "form": form})


# --- the helppie ------------------------------------------------------------------------------


@login_required
def hours_review(request, pk: int):
    hours = selectors.hours_for(user=request.user, pk=pk)
    form = DisputeForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "dispute":
                reason = request.POST.get("reason", "")
                services.hours_dispute(hours=hours, by=request.user, reason=reason)
                done = _("Thank you. A coordinator will look into it.")
            else:
                services.hours_validate(hours=hours, by=request.user)
                done = _("Thank you. The hours are confirmed.")
        except ValidationError as error:
            if request.htmx:
                # Answered from a list (the home page): the row says why, the buttons stay.
                context = {"hours": hours, "errors": error.messages, "from_home": True}
                return render(request, "payments_stub/_hours_answered.html", context)
            form.is_valid()
            _show_errors(form, error)
        else:
            if request.htmx:
                context = {"hours": hours, "done": done}
                return render(request, "payments_stub/_hours_answered.html", context)
            messages.success(request, done)
            return redirect("home" if request.POST.get("from") == "home" else "statements")
    may_answer = hours.status == HoursLog.Status.SUBMITTED and (
        request.user.is_staff or request.user.pk == hours.helppie_id
    )
    context = {
        "hours": hours,
        "form": form,
        "may_answer": may_answer,
        "history": hours.history.select_related("by"),
    }
    return render(request, "payments_stub/hours_review.html", context)


@login_required
def statements(request):
    person = request.user
    context = {
        "waiting": selectors.hours_waiting_for(helppie=person),
        "statements": selectors.statements_of(person=person),
        "membership": FundMembership.objects.filter(helppie=person, ended_at__isnull=True)
        .select_related("fund")
        .first(),
    }
    return render(request, "payments_stub/statements.html", context)


@login_required
def statement(request, pk: int):
    found = selectors.statement_for(user=request.user, pk=pk)
    year_to_date = None
    if found.kind == Statement.Kind.HELPPER:
        start = periods.year_bounds(found.month.year)[0]
        end = periods.month_bounds(found.month)[1]
        done = selectors.earnings(found.person, start=start, end=end)
        year_to_date = selectors.cap_from(done.gross_cents, year=found.month.year)
    context = {
        "statement": found,
        "lines": selectors.statement_lines(found),
        "year_to_date": year_to_date,
        "refund_form": RefundForm() if request.user.is_staff else None,
    }
    return render(request, "payments_stub/statement.html", context)


@login_required
def statement_csv(request, pk: int):
    found = selectors.statement_for(user=request.user, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"statement-{found.month:%Y-%m}-{found.kind}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Date"),
            _("Helpper") if found.kind == Statement.Kind.HELPPIE else _("Person helped"),
            _("Minutes"),
            _("Allowance (EUR)"),
            _("Fee (EUR)"),
            _("Fund contribution (EUR)"),
            _("Withheld (EUR)"),
            _("Total (EUR)"),
        ]
    )
    for line in selectors.statement_lines(found):
        other = line.helpper if found.kind == Statement.Kind.HELPPIE else line.helppie
        total = line.helppie_cents if found.kind == Statement.Kind.HELPPIE else line.net_cents
        writer.writerow(
            [
                timezone.localdate(line.started_at).isoformat(),
                other.full_name,
                line.minutes,
                *map(euro_plain, [line.gross_cents, line.fee_cents, line.contribution_cents]),
                euro_plain(line.withheld_cents),
                euro_plain(total),
            ]
        )
    writer.writerow(
        [
            _("Total"),
            "",
            found.minutes,
            euro_plain(found.gross_cents),
            euro_plain(found.fee_cents),
            euro_plain(found.contribution_cents),
            euro_plain(found.withheld_cents),
            euro_plain(found.total_cents),
        ]
    )
    return response


@login_required
def certificate(request, year: int):
    found = selectors.certificate(helpper=request.user, year=year)
    if not found.statements:
        raise Http404
    return render(request, "payments_stub/certificate.html", {"certificate": found})


@login_required
def mutuality(request):
    form = MembershipForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "end":
        services.membership_end(helppie=request.user, by=request.user)
        messages.success(request, _("Your mutuality is no longer on your statements."))
        return redirect("statements")
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_set(helppie=request.user, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Thank you. Your mutuality will pay its share."))
            return redirect("statements")
    current = FundMembership.objects.filter(helppie=request.user, ended_at__isnull=True)
    context = {"form": form, "membership": current.select_related("fund").first()}
    return render(request, "payments_stub/mutuality.html", context)


# --- staff ------------------------------------------------------------------------------------


@staff_member_required
def billing_overview(request):
    text = request.POST.get("month") or request.GET.get("month") or ""
    try:
        month = periods.parse_month(text) if text else periods.current_month()
    except ValueError:
        messages.error(request, _("Give a month like %(example)s.") % {"example": "2026-11"})
        return redirect("billing_overview")
    if request.method == "POST" and month > periods.current_month():
        messages.error(request, _("This month has not begun yet."))
    elif request.method == "POST":
        run = partial(tasks.run_billing.enqueue, f"{month:%Y-%m}", request.user.pk)
        transaction.on_commit(run)
        messages.success(
            request,
            _("Billing for %(month)s has started.")
            % {"month": date_format(month, "YEAR_MONTH_FORMAT")},
        )
        return redirect(f"{reverse('billing_overview')}?month={month:%Y-%m}")
    context = {"overview": selectors.billing_overview(month=month), "month_text": f"{month:%Y-%m}"}
    return render(request, "payments_stub/billing_overview.html", context)


@staff_member_required
@require_POST
def statement_refund(request, pk: int):
    found = selectors.statement_for(user=request.user, pk=pk)
    try:
        billing.statement_refund(
            statement=found, by=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The refund is recorded."))
    return redirect("statement", pk=pk)


@staff_member_required
def disputes(request):
    queue = selectors.disputed_hours()[:100]
    return render(request, "payments_stub/disputes.html", {"queue": queue})


@staff_member_required
def dispute_settle(request, pk: int):
    hours = selectors.hours_for(user=request.user, pk=pk)
    form = SettleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data, day = form.cleaned_data, timezone.localdate(hours.visit.starts_at)
        try:
            services.hours_settle(
                hours=hours,
                by=request.user,
                outcome=data["outcome"],
                note=data["note"],
                started_at=at(day, data["started_at"]),
                ended_at=at(day, data["ended_at"]),
                break_minutes=data["break_minutes"],
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Settled. The history keeps what was decided."))
            return redirect("disputes")
    context = {"hours": hours, "form": form, "history": hours.history.select_related("by")}
    return render(request, "payments_stub/dispute_settle.html", context)
