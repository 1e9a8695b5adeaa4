"""Past the yearly earnings cap, a helpper can be chosen for no new visit, by any path."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from marketplace.models import Offer, Visit
from matching import services
from matching.models import Invitation


@override_settings(PAYMENTS_ANNUAL_CAP_CENTS=0)
def test_a_helpper_at_the_cap_cannot_be_chosen(shopping, pieter):
    offer = Offer.objects.create(request=shopping, helpper=pieter)
    with pytest.raises(ValidationError) as refused:
        services.offer_choose(offer=offer, by=shopping.helppie)
    assert refused.value.code == "earnings_cap"
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.PENDING


@override_settings(PAYMENTS_ANNUAL_CAP_CENTS=0)
def test_a_helpper_at_the_cap_cannot_take_an_open_visit(shopping, pieter):
    visit = shopping.visits.get()
    invitation = Invitation.objects.create(
        request=shopping, visit=visit, helpper=pieter, rank=1, score=0, expires_at=visit.starts_at
    )
    with pytest.raises(ValidationError):
        services.invitation_answer(invitation=invitation, helpper=pieter, interested=True)
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.OPEN
