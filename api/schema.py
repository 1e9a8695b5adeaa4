"""The OpenAPI description: every operation documents the one error shape (api/errors.py)."""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension

from api.authentication import TOKEN_HEADER
from api.errors import ErrorResponse

ERRORS_EVERYWHERE = ("400", "401", "403", "404")
ERRORS_ON_WRITES = ("429",)


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction=direction)
        codes = ERRORS_EVERYWHERE
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            codes += ERRORS_ON_WRITES
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ErrorResponse, code, direction=direction
                )
        return responses


class SessionTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.SessionTokenAuthentication"
    name = "sessionToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": TOKEN_HEADER,
            "description": "The session token from POST /_allauth/app/v1/auth/login.",
        }
