"""Pages of referrals: the coordinator's case queue and cases, the social map, and the few
things a person or a helpper does themselves (ask to talk, withdraw consent, report a visit)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from referrals import mfa, selectors, services
from referrals.models import Case, Consent, Service, ServiceKind, VisitReport


def _worker_only(view):
    """Cases are for staff holding the referrals permission (everybody else gets 404) who
    signed in with a second factor (referrals/mfa.py: else to its set-up or code page)."""

    def wrapped(request, *args, **kwargs):
        if not selectors.may_work_cases(request.user):
            raise Http404
        missing = mfa.mfa_missing(request.user, request.session)
        if missing:
            return mfa.redirect_to_mfa(request, missing)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


@_worker_only
def queue(request):
    cases = list(selectors.case_queue()[:200])
    services.access_log(user=request.user, case=None, action="queue")
    return render(request, "referrals/queue.html", {"cases": cases, "now": timezone.now()})


class MoveForm(forms.Form):
    to = forms.ChoiceField(label=gettext_lazy("New status"), choices=Case.Status.choices)
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"), choices=[("", "—"), *Case.Outcome.choices], required=False
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PhoneConsentForm(forms.Form):
    purpose = forms.ChoiceField(
        label=gettext_lazy("The person agrees to"), choices=Consent.Purpose.choices
    )
    service = forms.ModelChoiceField(
        label=gettext_lazy("Service (to share with)"),
        queryset=Service.objects.all(),
        required=False,
    )


class ReferralForm(forms.Form):
    service = forms.ModelChoiceField(label=gettext_lazy("Service"), queryset=Service.objects.all())
    follow_up_on = forms.DateField(
        label=gettext_lazy("Follow up on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


@_worker_only
def case_detail(request, pk: int):
    case = selectors.case_for(user=request.user, pk=pk)
    services.access_log(user=request.user, case=case, action="view")
    person = case.person
    context = {
        "case": case,
        "events": case.events.select_related("by"),
        "consents": Consent.objects.filter(person=person).select_related("service", "obtained_by"),
        "referrals": case.referrals.select_related("service"),
        "alerts": case.alerts.all(),
        "suggested": Service.objects.filter(kinds__overlap=case.orientation)[:10],
        "move_form": MoveForm(),
        "consent_form": PhoneConsentForm(),
        "referral_form": ReferralForm(
            initial={"follow_up_on": timezone.localdate() + timedelta(days=14)}
        ),
    }
    return render(request, "referrals/case_detail.html", context)


def _act(request, case: Case, action) -> None:
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved."))


@_worker_only
@require_POST
def case_move(request, pk: int):
    case = selectors.case_for(user=request.user, pk=pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _act(
            request,
            case,
            lambda: services.case_move(
                case=case,
                to=data["to"],
                by=request.user,
                outcome=data["outcome"],
                note=data["note"],
            ),
        )
    return redirect("case_detail", pk=pk)


@_worker_only
@require_POST
def case_consent(request, pk: int):
    case = selectors.case_for(user=request.user, pk=pk)
    form = PhoneConsentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _act(
            request,
            case,
            lambda: services.consent_record(
                person=case.person,
                purpose=data["purpose"],
                channel=Consent.Channel.PHONE,
                by=request.user,
                service=data["service"],
                case=case,
            ),
        )
    return redirect("case_detail", pk=pk)


@_worker_only
@require_POST
def case_referral(request, pk: int):
    case = selectors.case_for(user=request.user, pk=pk)
    form = ReferralForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _act(
            request,
            case,
            lambda: services.referral_make(
                case=case,
                service=data["service"],
                by=request.user,
                follow_up_on=data["follow_up_on"],
            ),
        )
    else:
        messages.error(request, _("Choose a service and a follow-up date."))
    return redirect("case_detail", pk=pk)


@_worker_only
@require_POST
def case_alert(request, pk: int):
    case = selectors.case_for(user=request.user, pk=pk)
    self_employed = request.POST.get("self_employed") == "on"
    _act(
        request,
        case,
        lambda: services.sentinel_alert_raise(
            case=case, by=request.user, self_employed=self_employed
        ),
    )
    return redirect("case_detail", pk=pk)


@login_required
@require_POST
def consent_withdraw(request, pk: int):
    consent = Consent.objects.filter(pk=pk).first()
    if consent is None or (
        consent.person_id != request.user.pk and not selectors.may_work_cases(request.user)
    ):
        raise Http404
    if consent.person_id != request.user.pk:
        missing = mfa.mfa_missing(request.user, request.session)
        if missing:
            return mfa.redirect_to_mfa(request, missing)
    services.consent_withdraw(consent=consent, by=request.user)
    messages.success(request, _("Your agreement is withdrawn. Nothing more will be done with it."))
    return redirect(request.POST.get("next") or "my_consents")


@login_required
def my_consents(request):
    consents = (
        Consent.objects.filter(person=request.user).select_related("service").order_by("-given_at")
    )
    return render(request, "referrals/my_consents.html", {"consents": consents})


@login_required
@require_POST
def talk_to_coordinator(request):
    services.coordinator_contact_ask(person=request.user)
    messages.success(
        request,
        _("Thank you. A coordinator will call you soon. You can withdraw this at any time."),
    )
    return redirect(request.POST.get("next") or "home")


@login_required
@require_POST
def notice_dismiss(request):
    dismissed = set(request.session.get("dismissed_notices", []))
    dismissed.add(request.POST.get("key", ""))
    request.session["dismissed_notices"] = sorted(dismissed)
    return redirect(request.POST.get("next") or "home")


class VisitReportForm(forms.Form):
    concerns = forms.MultipleChoiceField(
        label=gettext_lazy("Did you notice anything? (optional)"),
        choices=VisitReport.Concern.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    text = forms.CharField(
        label=gettext_lazy("Anything else you would like a coordinator to know"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@login_required
def visit_report(request, pk: int):
    from marketplace.selectors import visit_for

    visit = visit_for(user=request.user, pk=pk)
    if visit.helpper_id != request.user.pk:
        raise Http404
    form = VisitReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_report_submit(
                visit=visit,
                helpper=request.user,
                concerns=form.cleaned_data["concerns"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Thank you. A coordinator will look at it, discreetly."))
            return redirect("request_detail", pk=visit.request_id)
    return render(request, "referrals/visit_report.html", {"form": form, "visit": visit})


# --- The social map, for staff ------------------------------------------------------------


def _staff_only(view):
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_staff):
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


@_staff_only
def social_map(request):
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    found = Service.objects.select_related("organization").prefetch_related("phones")
    if query:
        found = found.filter(
            Q(name__fr__icontains=query)
            | Q(name__nl__icontains=query)
            | Q(name__en__icontains=query)
            | Q(description__fr__icontains=query)
            | Q(description__nl__icontains=query)
            | Q(description__en__icontains=query)
            | Q(phones__number__icontains=query)
        ).distinct()
    if kind:
        found = found.filter(kinds__contains=[kind])
    return render(
        request,
        "referrals/social_map.html",
        {"services": found[:200], "q": query, "kind": kind, "kinds": ServiceKind.choices},
    )


class ServiceForm(forms.Form):
    name_fr = forms.CharField(label=gettext_lazy("Name in French"), max_length=200)
    name_nl = forms.CharField(label=gettext_lazy("Name in Dutch"), max_length=200)
    name_en = forms.CharField(label=gettext_lazy("Name in English"), max_length=200)
    description_fr = forms.CharField(
        label=gettext_lazy("Description in French"), widget=forms.Textarea(attrs={"rows": 3})
    )
    description_nl = forms.CharField(
        label=gettext_lazy("Description in Dutch"), widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=gettext_lazy("Description in English"), widget=forms.Textarea(attrs={"rows": 3})
    )
    url = forms.URLField(label=gettext_lazy("Website"), required=False, assume_scheme="https")
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Service.Status.choices)
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Kinds"),
        choices=ServiceKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )


@_staff_only
def service_edit(request, pk):
    service = get_object_or_404(Service, pk=pk)
    initial = {
        **{f"name_{c}": service.name.get(c, "") for c in ("fr", "nl", "en")},
        **{f"description_{c}": service.description.get(c, "") for c in ("fr", "nl", "en")},
        "url": service.url,
        "status": service.status,
        "kinds": service.kinds,
    }
    form = ServiceForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if request.POST.get("action") == "checked":
            service.assured_date = timezone.localdate()
            service.assurer_email = request.user.email or ""
            service.save(update_fields=["assured_date", "assurer_email", "last_modified"])
            messages.success(request, _("Marked as checked today."))
            return redirect("service_edit", pk=pk)
        if form.is_valid():
            data = form.cleaned_data
            service.name = {c: data[f"name_{c}"] for c in ("fr", "nl", "en")}
            service.description = {c: data[f"description_{c}"] for c in ("fr", "nl", "en")}
            service.url, service.status, service.kinds = data["url"], data["status"], data["kinds"]
            service.save()
            messages.success(request, _("Saved."))
            return redirect("social_map")
    return render(request, "referrals/service_edit.html", {"form": form, "service": service})
