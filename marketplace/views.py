"""Pages of the first journey. Each view parses input, calls one service, renders the result."""

from __future__ import annotations

from decimal import Decimal
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace import availability, calendar, selectors, services
from marketplace.choices import Category, Language
from marketplace.forms import (
    AvailabilityDayFormSet,
    HelpperProfileForm,
    HelpRequestForm,
    IntakeForm,
    OfferForm,
    PersonSearchForm,
)
from marketplace.models import HelpperProfile, User
from matching import selectors as matching_selectors
from matching import services as matching_services
from payments_stub import selectors as payments_selectors
from referrals import selectors as referral_selectors
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
    """One page per person: what staff, a helpper and a helppie each need first, by role."""
    if not request.user.is_authenticated:
        return render(request, "marketplace/welcome.html")
    user = request.user
    context = {"is_helppie_home": user.is_helppie or not (user.is_helpper or user.is_staff)}
    if user.is_staff:
        context.update(_staff_home(user))
    if user.is_helpper:
        context.update(_helpper_home(user))
    if context["is_helppie_home"]:
        context.update(_helppie_home(user))
    return render(request, "marketplace/home.html", context)


def _helppie_home(user) -> dict:
    requests = list(selectors.helppie_active_requests(helppie=user)[:20])
    # Contact is shared with a helpper once the person has chosen them (one check per request).
    rows = []
    for help_request in requests:
        visit = help_request.upcoming[0] if help_request.upcoming else None
        coming = visit.helpper if visit and visit.helpper_id else None
        shared = coming is not None and selectors.shares_contact(request=help_request, user=coming)
        rows.append(
            {
                "request": help_request,
                "visit": visit,
                "coming_name": (coming.full_name if shared else coming.short_name)
                if coming
                else None,
                "coming_phone": coming.phone if shared else "",
            }
        )
    return {
        "helppie_rows": rows,
        "hours_to_confirm": payments_selectors.hours_waiting_for(helppie=user)[:10],
    }


def _helpper_home(user) -> dict:
    profile = selectors.helpper_profile_of(user)
    feed = calendar.feed_of(user)
    context = {
        "profile": profile,
        "calendar": feed,
        "calendar_url": calendar.feed_url(feed) if feed else None,
    }
    if profile is None:
        return context
    cards = _near_cards(_nearest(user, NEAR_ON_HOME))
    visits = list(selectors.helpper_upcoming_visits(helpper=user)[:10])
    shared = {
        visit.request_id: selectors.shares_contact(request=visit.request, user=user)
        for visit in visits
    }
    context.update(
        {
            "near_cards": cards,
            "map": _map_context(profile, cards) if cards else None,
            "next_visits": [
                {
                    "visit": visit,
                    "shared": shared[visit.request_id],
                    "place": selectors.place_view(
                        request=visit.request, shared=shared[visit.request_id]
                    ),
                }
                for visit in visits
            ],
            "invitation_cards": matching_selectors.invitation_cards(
                matching_selectors.invitations_waiting(helpper=user)[:10]
            ),
            "week": availability.availability_by_day(profile),
            "to_log": payments_selectors.visits_to_log(helpper=user)[:10],
            "cap": payments_selectors.cap_status(user),
        }
    )
    return context


def _staff_home(user) -> dict:
    without = selectors.requests_without_helpper()
    context = {
        "without_helpper": without[:8],
        "without_helpper_count": without.count(),
        "disputes_count": payments_selectors.disputed_hours().count(),
        "to_vet": selectors.helppers_to_vet()[:8],
        "to_vet_count": selectors.helppers_to_vet().count(),
        "may_work_cases": referral_selectors.may_work_cases(user),
    }
    if context["may_work_cases"]:
        context["cases_by_tier"] = referral_selectors.open_cases_by_tier()
        referral_services.access_log(user=user, case=None, action="home_counts")
    return context


NEAR_ON_HOME = 10


def _nearest(helpper: User, count: int) -> selectors.OpenRequestsNear:
    """The nearest open requests, their cards read by the same statement as their order."""
    return selectors.OpenRequestsNear(helpper=helpper, limit=count, prefetch=slice(0, count))


def _near_cards(nearby: selectors.OpenRequestsNear) -> list[dict]:
    """Open requests as a helpper not yet chosen may see them: blurred place, rounded distance."""
    return [
        {"request": item, "place": item.place, "helppie_name": item.helppie_name} for item in nearby
    ]


def _map_context(profile, cards: list[dict]) -> dict:
    """What the map needs, all of it already blurred: the list beside it is the real content."""
    return {
        "tiles_url": settings.MAP_TILES_URL,
        "attribution": settings.MAP_TILES_ATTRIBUTION,
        "home": {
            "lat": profile.location.y,
            "lng": profile.location.x,
            "radius_m": profile.radius_m,
        },
        "points": [
            {
                "lat": card["place"].latitude,
                "lng": card["place"].longitude,
                "title": card["request"].category_label,
                "area": card["place"].area,
                "distance": card["place"].distance or "",
                "url": reverse("request_detail", args=[card["request"].id]),
            }
            for card in cards
        ],
    }


@login_required
def request_create(request):
    helppie = request.user
    on_behalf = request.GET.get("for") or request.POST.get("for")
    if on_behalf and request.user.is_staff:
        helppie = get_object_or_404(User, pk=on_behalf, is_helppie=True)
    form = HelpRequestForm(request.POST or None, helppie=helppie)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            help_request, _notice = services.help_request_post(
                helppie=helppie,
                created_by=request.user,
                submission=data.get("submission"),
                category=data["category"],
                description=data["description"],
                schedule=services.Schedule.from_fields(data),
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
    # Open requests have nobody accepted yet: nothing private is shared on this page.
    cards = _near_cards(_nearest(request.user, selectors.NEAR_ME_LIMIT))
    context = {"profile": profile, "cards": cards}
    if profile is not None and cards:
        context["map"] = _map_context(profile, cards)
    return render(request, "marketplace/near_me.html", context)


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
    if profile is not None:
        # Once there is a profile, its time ranges are edited on their own page.
        for day in range(7):
            del form.fields[f"day_{day}"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        slots = (
            [services.Slot(s.weekday, s.start, s.end) for s in profile.availability.all()]
            if profile is not None
            else [services.Slot(*slot) for slot in form.availability()]
        )
        try:
            services.helpper_profile_save(
                user=request.user,
                postcode=data["postcode"],
                radius_m=int(data["radius_km"] * Decimal(1000)),
                categories=data["categories"],
                languages=data["languages"],
                has_car=data["has_car"],
                weekly_capacity_hours=data["weekly_capacity_hours"],
                availability=slots,
                phone=data["phone"],
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Your helpper profile is saved."))
            return redirect("home")
    return render(request, "marketplace/helpper_profile.html", {"form": form, "profile": profile})


@login_required
def availability_edit(request):
    """The helpper's weekly time ranges, day by day: change, add, or remove them."""
    profile = selectors.helpper_profile_of(request.user)
    if profile is None:
        messages.info(request, _("Tell us where and when you can help first."))
        return redirect("helpper_profile")
    days = [
        (
            label,
            AvailabilityDayFormSet(
                request.POST or None,
                prefix=f"day{day}",
                initial=[{"start": slot.start, "end": slot.end} for slot in ranges],
            ),
        )
        for day, label, ranges in availability.availability_by_day(profile)
    ]
    if request.method == "POST" and all(formset.is_valid() for _label, formset in days):
        rows = [
            (form, services.Slot(day, form.cleaned_data["start"], form.cleaned_data["end"]))
            for day, (_label, formset) in enumerate(days)
            for form in formset
            if form.is_kept
        ]
        found = availability.problems([slot for _form, slot in rows])
        for problem in found:
            rows[problem.index][0].add_error(problem.field, problem.message)
        if not found:
            try:
                availability.availability_replace(
                    user=request.user, slots=[slot for _form, slot in rows]
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Your free times are saved."))
                return redirect("availability")
    has_errors = any(formset.total_error_count() for _label, formset in days if formset.is_bound)
    return render(
        request,
        "marketplace/availability.html",
        {"profile": profile, "days": days, "has_errors": has_errors},
    )


def calendar_feed(request, token: str):
    """The visits calendar behind a private link: no sign-in, the token is the key."""
    user = calendar.user_for_token(token)
    response = HttpResponse(calendar.visits_ical(user=user), content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="neighbourhelp-visits.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def calendar_renew(request):
    """A new private calendar link; whoever had the old one loses access to it."""
    if not request.user.is_helpper:
        raise Http404
    had_one = calendar.feed_of(request.user) is not None
    calendar.feed_renew(user=request.user)
    messages.success(
        request,
        _("Here is your new calendar link. The old one no longer works.")
        if had_one
        else _("Here is your calendar link. Add it to your calendar app."),
    )
    return redirect(f"{reverse('home')}#calendar")


@staff_member_required
def intake(request):
    """Find someone who calls again, or register a new person (never twice without saying so)."""
    search = PersonSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    form = IntakeForm(request.POST or None)
    look_alikes = []
    if request.method == "POST" and form.is_valid():
        try:
            person = services.helppie_register_new(by=request.user, **form.cleaned_data)
        except services.AlreadyKnown as known:
            _show_errors(form, known)
            look_alikes = known.people
        except ValidationError as error:
            # Already confirmed as someone else: the look-alikes and the tick stay on the page.
            if form.cleaned_data["someone_else"]:
                look_alikes = selectors.helppies_alike(**form.identity())
            _show_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is registered. Now post their first request.")
                % {"name": person.full_name},
            )
            return redirect(f"{reverse('request_create')}?for={person.pk}")
    context = {
        "search": search,
        "query": query,
        "found": selectors.helppies_found(query=query) if query else None,
        "form": form,
        "look_alikes": look_alikes,
        "recent": selectors.people_registered_by_phone().select_related("registered_by")[:10],
    }
    return render(request, "marketplace/intake.html", context)


def _staff_page(view):
    """A coordinator's page: the anonymous visitor signs in first; anyone else signed in gets
    404, as for the social map (nothing says the page exists)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@_staff_page
def helppers_to_vet(request):
    """Helppers waiting to be vetted, the longest waiting first, with what is already checked."""
    waiting = selectors.helppers_to_vet()
    categories, languages = dict(Category.choices), dict(Language.choices)
    rows = [
        {
            "profile": profile,
            "categories": [categories.get(code, code) for code in profile.categories],
            "languages": [languages.get(code, code) for code in profile.languages],
        }
        for profile in waiting[:VET_PAGE_SIZE]
    ]
    count = len(rows) if len(rows) < VET_PAGE_SIZE else waiting.count()
    return render(request, "marketplace/vetting.html", {"rows": rows, "count": count})


VET_PAGE_SIZE = 200


@_staff_page
@require_POST
def helpper_vet(request, pk: int):
    """Record one step of vetting (identity, interview, approval) and go back to the list."""
    profile = get_object_or_404(HelpperProfile.objects.select_related("user"), pk=pk)
    step = request.POST.get("step", "")
    try:
        profile = services.helpper_vet(profile=profile, by=request.user, step=step)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        name = {"name": profile.user.full_name or profile.user.email}
        done = {
            "identity": _("%(name)s: identity check recorded."),
            "interview": _("%(name)s: interview recorded."),
            "approve": _("%(name)s is approved and can now be asked to help."),
        }
        messages.success(request, done[step] % name)
    return redirect(f"{reverse('helppers_to_vet')}#helpper-{pk}")


@require_POST
def language_set(request):
    """Switch the interface language; remembered in a cookie and, when signed in, the profile."""
    language = request.POST.get("language")
    response = _back(request, reverse("home"))
    if language in Language.values:
        # As Django's own set_language does, with every LANGUAGE_COOKIE_* setting honoured.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        if request.user.is_authenticated:
            User.objects.filter(pk=request.user.pk).update(preferred_language=language)
    return response


@require_POST
def text_size_set(request):
    """The "larger text" switch, remembered in a cookie on this device."""
    response = _back(request, reverse("home"))
    if request.POST.get("size") == "large":
        response.set_cookie(
            TEXT_SIZE_COOKIE,
            "large",
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
    else:
        response.delete_cookie(TEXT_SIZE_COOKIE)
    return response
