"""Writes are throttled per person and per address; the OpenAPI schema is valid and its
documentation is served without any CDN."""

from __future__ import annotations

import re

from django.core.management import call_command
from rest_framework.test import APIClient

from marketplace.models import Offer
from tests import factories


def test_too_many_writes_from_one_person_get_429_in_the_error_shape(
    shopping, pieter, app, settings
):
    settings.API_WRITE_RATE_USER = "2/min"
    client = app(pieter)
    offers = f"/api/v1/requests/{shopping.pk}/offers/"

    answers = [client.post(offers, {}).status_code for _ in range(3)]

    assert answers == [201, 400, 429]
    last = client.post(offers, {})
    assert last.json()["type"] == "client_error"
    assert last.json()["errors"][0]["code"] == "throttled"
    assert int(last["Retry-After"]) > 0
    assert client.get(offers).status_code == 200  # reading goes on
    assert Offer.objects.count() == 1


def test_writes_from_one_address_are_throttled_whoever_signs_in(shopping, app, settings, claire):
    settings.API_WRITE_RATE_IP = "2/min"
    helppers = [factories.helpper(postcode="1050", by=claire) for _ in range(3)]
    offers = f"/api/v1/requests/{shopping.pk}/offers/"

    answers = [app(h).post(offers, {}).status_code for h in helppers]

    assert answers == [201, 201, 429]


def test_a_made_up_forwarded_for_header_gives_no_fresh_bucket(shopping, app, settings, claire):
    """No proxy is trusted by default (DJANGO_TRUSTED_PROXY_COUNT=0): the header is ignored."""
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0
    settings.API_WRITE_RATE_IP = "2/min"
    helppers = [factories.helpper(postcode="1050", by=claire) for _ in range(3)]
    offers = f"/api/v1/requests/{shopping.pk}/offers/"

    answers = [
        app(h).post(offers, {}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n, h in enumerate(helppers)
    ]

    assert answers == [201, 201, 429]


def test_behind_one_proxy_the_address_it_saw_is_the_client(shopping, app, settings, claire):
    """The proxy appends the address it saw: the last one counts, whatever the caller wrote."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.API_WRITE_RATE_IP = "2/min"
    helppers = [factories.helpper(postcode="1050", by=claire) for _ in range(4)]
    offers = f"/api/v1/requests/{shopping.pk}/offers/"
    seen = ["203.0.113.7", "1.2.3.4, 203.0.113.7", "5.6.7.8, 203.0.113.7", "203.0.113.8"]

    answers = [
        app(h).post(offers, {}, HTTP_X_FORWARDED_FOR=xff).status_code
        for h, xff in zip(helppers, seen, strict=True)
    ]

    assert answers == [201, 201, 429, 201]


def test_the_schema_is_valid_openapi_without_a_single_warning(db, tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))

    assert "/api/v1/feed/" in (tmp_path / "s.yaml").read_text()


def test_every_operation_documents_the_error_shape(db):
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code in ("400", "401", "403", "404"):
                assert code in operation["responses"], (method, path, code)
    assert "sessionToken" in schema["components"]["securitySchemes"]


def test_the_docs_are_served_from_this_site(db):
    page = APIClient().get("/api/docs/").content.decode()

    scripts = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any("swagger-ui" in s for s in scripts)
    assert all(s.startswith("/") for s in scripts), scripts
    # No inline script: the content security policy would block it.
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", page)


def test_the_swagger_assets_are_served_locally(db, client):
    page = client.get("/api/docs/").content.decode()
    bundle = re.search(r'src="([^"]*swagger-ui-bundle\.js)"', page).group(1)

    response = client.get(bundle)

    assert response.status_code == 200
    assert b"SwaggerUI" in b"".join(response.streaming_content)
