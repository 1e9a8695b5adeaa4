"""Schemathesis over the whole OpenAPI schema, in-process against the WSGI application, signed
in as a real helppie, helpper, case worker and plain coordinator (staff without the referrals
permission), and signed out: no server error, and every answer conforms to
the schema (status code, content type, headers, body).

FUZZ_EXAMPLES sets how many examples each operation gets (a few here; `make fuzz` runs many).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from marketplace.models import Offer
from referrals import services as referral_services
from referrals.screening import screen
from tests.api.conftest import session_token

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def schema(tokens):
    """The schema, read from the application itself, which is then called in-process.

    Like Django's test client, requests must not close the connection that holds the test's
    transaction: the handler's close_old_connections is off while the fuzzing runs.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def people(jeanne, pieter, nadia, claire, shopping):
    """Something to find for each: Jeanne's request with Pieter's offer, a case for Nadia (and
    for Claire to be refused)."""
    Offer.objects.create(request=shopping, helpper=pieter)
    referral_services.case_open(
        person=jeanne, screening=screen("Je me sens si seule.", None, {}), source="request"
    )
    return {"helppie": jeanne, "helpper": pieter, "case worker": nadia, "staff": claire}


@pytest.fixture
def tokens(people):
    # Signed in through Django's test client, before the fuzzing switches its signals off.
    return {role: session_token(person) for role, person in people.items()}


@pytest.mark.parametrize("role", ["helppie", "helpper", "case worker", "staff", "anonymous"])
def test_no_operation_fails_or_breaks_its_schema(schema, tokens, role):
    headers = {"X-Session-Token": tokens[role]} if role in tokens else {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:
        cases = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=cases)
        def call(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        call()
