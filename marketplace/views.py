"""Pages of the first journey. Each view parses input, calls one service, renders the result."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace import selectors, services
from marketplace.choices import Language
from marketplace.forms import HelpperProfileForm, HelpRequestForm, IntakeForm, OfferForm
from marketplace.models import User
from matching import services as matching_services
from referrals import services as referral_services

TEXT_SIZE_COOKIE = "text_size"


def _show_errors(form, error: ValidationError) -> None:
    """Put a service's errors on the form: under their field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _back(request, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = fallback
    return HttpResponseRedirect(target)


def home(request):
    if not request.user.is_authenticated:
        return render(request, "marketplace/welcome.html")
    user = request.user
    context = {
        "my_requests": selectors.helppie_requests(helppie=user).prefetch_related("visits")[:20],
        "profile": selectors.helpper_profile_of(user),
        "my_visits": selectors.helpper_visits(helpper=user)[:20],
    }
    if user.is_helpper and context["profile"] and context["profile"].is_available_for_work:
        context["nearby_count"] = selectors.open_requests_near(helpper=user).count()
    return render(request, "marketplace/home.html", context)


@login_required
def request_create(request):
    helppie = request.user
    on_behalf = request.GET.get("for") or request.POST.get("for")
    if on_behalf and request.user.is_staff:
        helppie = get_object_or_404(User, pk=on_behalf, is_helppie=True)
    form = HelpRequestForm(request.POST or None, helppie=helppie)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        schedule = services.Schedule(
            starts_on=data["starts_on"],
            start_time=data["start_time"],
            duration_minutes=data["duration_minutes"],
            recurrence=data["recurrence"],
            weekdays=tuple(data["weekdays"]),
            ends_on=data["ends_on"],
        )
        try:
            help_request = services.help_request_create(
                helppie=helppie,
                created_by=request.user,
                category=data["category"],
                description=data["description"],
                schedule=schedule,
                hourly_allowance_cents=data["hourly_allowance"],
                languages=data["languages"],
                car_needed=data["car_needed"],
                place=data.get("place"),
                street=data["street"],
                postcode=data["postcode"],
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            referral_services.screen_for_person(
                user=helppie,
                text=help_request.description,
                source="request",
                source_ref=f"request:{help_request.pk}",
                point=help_request.place.location,
                refnis=help_request.place.refnis,
            )
            matching_services.invitations_schedule(request=help_request)
            if not helppie.is_helppie:
                User.objects.filter(pk=helppie.pk).update(is_helppie=True)
            messages.success(
                request, _("Your request is posted. We will let you know who offers to help.")
            )
            return redirect("request_detail", pk=help_request.pk)
    return render(request, "marketplace/request_form.html", {"form": form, "helppie": helppie})


@login_required
def request_detail(request, pk: int):
    help_request = selectors.help_request_for(user=request.user, pk=pk)
    viewer = request.user
    distance_m = None
    nearby = selectors.open_requests_near(helpper=viewer).filter(pk=pk).first()
    if nearby is not None:
        distance_m = nearby.distance.m
    is_owner = viewer.is_staff or help_request.helppie_id == viewer.pk
    my_offer = help_request.offers.filter(helpper=viewer).first()
    shared = selectors.shares_contact(request=help_request, user=viewer)
    notice_key = f"request:{help_request.pk}"
    context = {
        "help_request": help_request,
        # Only the writer sees what screening suggests; nothing is stored by showing it.
        "notice": referral_services.screen_for_person(
            user=viewer,
            text=help_request.description,
            source="request",
            source_ref=notice_key,
            point=help_request.place.location,
            refnis=help_request.place.refnis,
            record=False,
        )
        if help_request.helppie_id == viewer.pk
        else None,
        "notice_key": notice_key,
        "dismissed": notice_key in request.session.get("dismissed_notices", []),
        "place": selectors.place_view(request=help_request, shared=shared, distance_m=distance_m),
        "shares_contact": shared,
        "helppie_name": help_request.helppie.full_name
        if shared
        else help_request.helppie.short_name,
        "is_owner": is_owner,
        "offers": help_request.offers.select_related("helpper") if is_owner else [],
        "accepted_helpper": selectors.accepted_helpper(help_request),
        "visits": help_request.visits.select_related("helpper"),
        "my_offer": my_offer,
        "can_write": viewer.is_helpper
        and viewer.pk != help_request.helppie_id
        and selectors.is_conversation_open(request=help_request, helpper=viewer),
        # In a weekly series, the neighbours who also offered can be the backup.
        "backup_choices": help_request.offers.filter(status="declined").select_related("helpper")
        if is_owner and help_request.recurrence == "weekly" and help_request.status == "matched"
        else [],
        "can_offer": nearby is not None and my_offer is None,
        "offer_form": OfferForm(),
    }
    return render(request, "marketplace/request_detail.html", context)


@login_required
def near_me(request):
    profile = selectors.helpper_profile_of(request.user)
    nearby = selectors.open_requests_near(helpper=request.user).select_related("place", "helppie")
    # Open requests have nobody accepted yet: nothing private is shared on this page.
    cards = [
        {
            "request": help_request,
            "place": selectors.place_view(
                request=help_request, shared=False, distance_m=help_request.distance.m
            ),
            "helppie_name": help_request.helppie.short_name,
        }
        for help_request in nearby[:100]
    ]
    return render(request, "marketplace/near_me.html", {"profile": profile, "cards": cards})


@login_required
@require_POST
def offer_create(request, pk: int):
    help_request = selectors.help_request_for(user=request.user, pk=pk)
    form = OfferForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        services.offer_make(request=help_request, helpper=request.user, message=message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you! The person will be told you offered to help."))
    return redirect("request_detail", pk=pk)


@login_required
@require_POST
def offer_accept(request, pk: int):
    offer = selectors.offer_for_deciding(user=request.user, pk=pk)
    try:
        matching_services.offer_choose(offer=offer, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s will help. Contact details are now shown on this page.")
            % {"name": offer.helpper.full_name},
        )
    return redirect("request_detail", pk=offer.request_id)


@login_required
@require_POST
def visit_done(request, pk: int):
    visit = selectors.visit_for(user=request.user, pk=pk)
    try:
        services.visit_mark_done(visit=visit, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The visit is marked as done. Thank you!"))
    return redirect("request_detail", pk=visit.request_id)


@login_required
def helpper_profile(request):
    profile = selectors.helpper_profile_of(request.user)
    initial = (
        HelpperProfileForm.initial_from(profile)
        if profile
        else {"languages": [request.user.preferred_language]}
    )
    form = HelpperProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.helpper_profile_save(
                user=request.user,
                postcode=data["postcode"],
                radius_m=int(data["radius_km"] * Decimal(1000)),
                categories=data["categories"],
                languages=data["languages"],
                has_car=data["has_car"],
                weekly_capacity_hours=data["weekly_capacity_hours"],
                availability=[services.Slot(*slot) for slot in form.availability()],
                phone=data["phone"],
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Your helpper profile is saved."))
            return redirect("home")
    return render(request, "marketplace/helpper_profile.html", {"form": form, "profile": profile})


@staff_member_required
def intake(request):
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.helppie_register_by_phone(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is registered. Now post their first request.")
                % {"name": person.full_name},
            )
            return redirect(f"{reverse('request_create')}?for={person.pk}")
    recent = selectors.people_registered_by_phone().select_related("registered_by")[:10]
    return render(request, "marketplace/intake.html", {"form": form, "recent": recent})


@require_POST
def language_set(request):
    """Switch the interface language; remembered in a cookie and, when signed in, the profile."""
    from django.conf import settings

    language = request.POST.get("language")
    response = _back(request, reverse("home"))
    if language in Language.values:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
        )
        if request.user.is_authenticated:
            User.objects.filter(pk=request.user.pk).update(preferred_language=language)
    return response


@require_POST
def text_size_set(request):
    """The "larger text" switch, remembered in a cookie on this device."""
    response = _back(request, reverse("home"))
    if request.POST.get("size") == "large":
        response.set_cookie(TEXT_SIZE_COOKIE, "large", max_age=365 * 24 * 3600, samesite="Lax")
    else:
        response.delete_cookie(TEXT_SIZE_COOKIE)
    return response
