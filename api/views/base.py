"""What every API view shares: the reader's language and the explicit permission classes."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header
from django_filters.utils import translate_validation
from rest_framework import generics, views

from api import permissions


def header_language(request) -> str | None:
    """The first supported language of the Accept-Language header, if it names one."""
    supported = {code for code, _name in settings.LANGUAGES}
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        code = code.split("-")[0].lower()
        if code in supported:
            return code
    return None


class Language:
    """Answers come in the language the caller asks for (Accept-Language), else the profile's.

    An app states its language on every call; a browser without the header reads the API in
    the language of the person's profile, like the pages.
    """

    def initial(self, request, *args, **kwargs):
        language = header_language(request)
        if language:
            translation.activate(language)
        super().initial(request, *args, **kwargs)
        if not language and request.user.is_authenticated and request.user.preferred_language:
            translation.activate(request.user.preferred_language)
        request.LANGUAGE_CODE = translation.get_language()


class ApiView(Language, views.APIView):
    permission_classes = [permissions.IsAuthenticated]


class ListView(Language, generics.ListAPIView):
    """A paginated, filtered list; `present` turns each row into what the serializer shows."""

    permission_classes = [permissions.IsAuthenticated]

    def present(self, item):
        return item

    def list(self, request, *args, **kwargs):
        rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        serializer = self.get_serializer([self.present(row) for row in rows], many=True)
        return self.get_paginated_response(serializer.data)


def valid(serializer_class, request) -> dict:
    """The request body checked by an input serializer; 400 with every field's errors if not."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def filter_values(filterset_class, request) -> dict:
    """The query's filters for a list that is not a queryset, checked as the filter backend
    checks them (400 in the error shape if not valid).

    A query that names none of the filters has nothing to check: each is None, without
    building the FilterSet, its form and fields (longer than writing the API feed's twenty
    cards; most calls name no filter)."""
    names = filterset_class.base_filters
    if request.query_params.keys().isdisjoint(names):
        return dict.fromkeys(names)
    filterset = filterset_class(
        request.query_params, queryset=filterset_class._meta.model._default_manager.none()
    )
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset.form.cleaned_data
