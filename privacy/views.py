"""My data: a download of everything about me (JSON), and the erasure of my account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from privacy import services
from privacy.forms import EraseForm


@login_required
@require_GET
def my_data(request):
    return render(request, "privacy/my_data.html")


@login_required
@require_GET
def my_data_download(request):
    data = services.export_for(request.user)
    response = HttpResponse(
        services.export_json(data), content_type="application/json; charset=utf-8"
    )
    name = f"neighbourhelp-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def erase(request):
    form = EraseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.person_erase(person=request.user, by=request.user, channel="web")
        logout(request)
        messages.success(request, _("Your account and your data are erased. Goodbye."))
        return redirect("home")
    return render(request, "privacy/erase.html", {"form": form})
