"""Stories of the pages: Jeanne (helppie) in Ixelles, Pieter (helpper) nearby, Claire (staff)."""

import pytest

from marketplace import services
from marketplace.models import Visit
from matching import services as matching_services


@pytest.fixture
def pieter_chosen(shopping, pieter, jeanne) -> Visit:
    """Pieter offered to do Jeanne's shopping and she chose him: his visit is planned."""
    offer = services.offer_make(request=shopping, helpper=pieter)
    matching_services.offer_choose(offer=offer, by=jeanne)
    return shopping.visits.get()


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()
