"""Twenty choices of a helpper arriving through the API at the same instant, each on its own
database connection: exactly one wins, the others get a clear error, nothing is half-written."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from marketplace.models import HelpRequest, Offer, Visit
from tests import factories
from tests.api.conftest import session_token
from tests.concurrency import all_at_once

CONTENDERS = 20


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(2))
def test_exactly_one_of_twenty_simultaneous_choices_wins(round_):
    claire = factories.UserFactory(is_staff=True)
    jeanne = factories.UserFactory(is_helppie=True)
    factories.place_at(jeanne, "1050")
    request = factories.help_request(helppie=jeanne)
    offers = [
        Offer.objects.create(request=request, helpper=factories.helpper(postcode="1050", by=claire))
        for _ in range(CONTENDERS)
    ]
    token = session_token(jeanne)

    def choose(offer):
        client = APIClient()
        response = client.post(
            f"/api/v1/offers/{offer.pk}/accept/",
            HTTP_X_SESSION_TOKEN=token,
            HTTP_ACCEPT_LANGUAGE="en",
        )
        return response.status_code, response.json()

    answers = all_at_once([lambda o=o: choose(o) for o in offers])

    codes = sorted(code for code, _body in answers)
    assert codes == [200] + [400] * (CONTENDERS - 1), codes
    for code, body in answers:
        if code == 400:
            assert body["type"] == "validation_error"
            assert body["errors"][0]["detail"] in {
                "A helpper has already been chosen for this request.",
                "This offer is no longer available.",
            }
    winner = Offer.objects.get(request=request, status=Offer.Status.ACCEPTED)
    assert Offer.objects.filter(request=request, status=Offer.Status.DECLINED).count() == (
        CONTENDERS - 1
    )
    assert HelpRequest.objects.get(pk=request.pk).status == HelpRequest.Status.MATCHED
    assert list(Visit.objects.filter(request=request).values_list("helpper", flat=True)) == [
        winner.helpper_id
    ]
