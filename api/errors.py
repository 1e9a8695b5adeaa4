"""One shape for every error the API returns, in the caller's language.

    {"type": "validation_error" | "client_error" | "server_error",
     "errors": [{"code": "invalid", "detail": "A translated sentence.", "attr": "field" | null}]}

`attr` names the field at fault ("visits.0.starts_at" when nested), or is null for the
request as a whole. Services raise Django's ValidationError, PermissionDenied and Http404; they
come out as 400, 403 and 404 like DRF's own; an unknown address under /api/ is a 404 in this
shape too (`page_not_found`, config/urls.py). A view may rename a service's field keys to its own
field names with a `service_fields` mapping.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, serializers
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

API_PREFIX = "/api/"
VALIDATION = "validation_error"
CLIENT = "client_error"
SERVER = "server_error"


class Error(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ErrorResponse(serializers.Serializer):
    type = serializers.ChoiceField(choices=[VALIDATION, CLIENT, SERVER])
    errors = Error(many=True)


def _details(messages: list[DjangoValidationError]) -> list[exceptions.ErrorDetail]:
    details = []
    for error in messages:
        for message in error.messages if hasattr(error, "error_list") else [error]:
            code = getattr(error, "code", None) or "invalid"
            details.append(exceptions.ErrorDetail(str(message), code=code))
    return details


def from_django(
    error: DjangoValidationError, renames: dict[str, str]
) -> exceptions.ValidationError:
    """A service's ValidationError as DRF's, keyed by the API's field names."""
    if hasattr(error, "error_dict"):
        detail = {}
        for field, errors in error.error_dict.items():
            name = (
                api_settings.NON_FIELD_ERRORS_KEY
                if field == NON_FIELD_ERRORS
                else renames.get(field, field)
            )
            detail.setdefault(name, []).extend(_details(errors))
        return exceptions.ValidationError(detail)
    return exceptions.ValidationError(_details(error.error_list))


def _flatten(detail, attr: str | None) -> list[dict]:
    if isinstance(detail, dict):
        found = []
        for key, value in detail.items():
            if key in (api_settings.NON_FIELD_ERRORS_KEY, NON_FIELD_ERRORS):
                name = attr
            else:
                name = f"{attr}.{key}" if attr else str(key)
            found.extend(_flatten(value, name))
        return found
    if isinstance(detail, list):
        found = []
        for n, value in enumerate(detail):
            nested = isinstance(value, dict | list)
            found.extend(_flatten(value, f"{attr}.{n}" if nested and attr else attr))
        return found
    return [
        {"code": getattr(detail, "code", None) or "invalid", "detail": str(detail), "attr": attr}
    ]


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = from_django(exc, getattr(context.get("view"), "service_fields", {}))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's 500 handling and logging apply
    if isinstance(exc, exceptions.ValidationError):
        kind, errors = VALIDATION, _flatten(exc.detail, None)
    else:
        kind = SERVER if response.status_code >= 500 else CLIENT
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        code = getattr(detail, "code", None) or "error"
        errors = [{"code": str(code), "detail": str(detail), "attr": None}]
    response.data = {"type": kind, "errors": errors}
    return response


def _json_error(status: int, code: str, detail: str) -> JsonResponse:
    kind = SERVER if status >= 500 else CLIENT
    body = {"type": kind, "errors": [{"code": code, "detail": detail, "attr": None}]}
    return JsonResponse(body, status=status)


def page_not_found(request, exception):
    """An address under /api/ that names nothing answers in the API's shape; any other address
    gets the site's page (templates/404.html, in the reader's language)."""
    if request.path.startswith(API_PREFIX):
        return _json_error(404, "not_found", _("Not found."))
    return defaults.page_not_found(request, exception)


def server_error(request):
    """Under /api/ the API's shape; elsewhere templates/500.html, which needs no context."""
    if request.path.startswith(API_PREFIX):
        return _json_error(500, "error", _("A server error occurred."))
    return defaults.server_error(request)
