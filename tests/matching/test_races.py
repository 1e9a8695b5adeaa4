"""Many clicks at the same instant, on real separate connections: exactly one wins, the others
get a clear message, and nothing is half-written."""

import pytest

from marketplace.models import HelpRequest, Offer, Visit
from matching import services
from matching.models import Invitation
from tests import factories
from tests.concurrency import race

CONTENDERS = 20
ROUNDS = 5


def a_request_with_offers(n: int):
    claire = factories.UserFactory(is_staff=True)
    jeanne = factories.UserFactory(is_helppie=True)
    factories.place_at(jeanne, "1050")
    request = factories.help_request(helppie=jeanne)
    helppers = [factories.helpper(postcode="1050", by=claire) for _ in range(n)]
    offers = [Offer.objects.create(request=request, helpper=h) for h in helppers]
    return jeanne, request, offers


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_exactly_one_of_twenty_simultaneous_choices_wins(round_):
    jeanne, request, offers = a_request_with_offers(CONTENDERS)

    outcomes = race([lambda o=o: services.offer_choose(offer=o, by=jeanne) for o in offers])

    assert outcomes.count("won") == 1 and len(outcomes) == CONTENDERS
    assert all(o == "won" or "already been chosen" in o for o in outcomes), set(outcomes)
    winner = Offer.objects.get(request=request, status=Offer.Status.ACCEPTED)
    assert (
        Offer.objects.filter(request=request, status=Offer.Status.DECLINED).count()
        == CONTENDERS - 1
    )
    assert HelpRequest.objects.get(pk=request.pk).status == HelpRequest.Status.MATCHED
    assert list(Visit.objects.filter(request=request).values_list("helpper", flat=True)) == [
        winner.helpper_id
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_exactly_one_of_twenty_helppers_takes_an_open_visit(round_):
    jeanne, request, offers = a_request_with_offers(CONTENDERS)
    visit = request.visits.get()
    invitations = [
        Invitation.objects.create(
            request=request,
            visit=visit,
            helpper=o.helpper,
            rank=n,
            score=0,
            expires_at=visit.starts_at,
        )
        for n, o in enumerate(offers)
    ]

    outcomes = race(
        [
            lambda i=i: services.invitation_answer(invitation=i, helpper=i.helpper, interested=True)
            for i in invitations
        ]
    )

    assert outcomes.count("won") == 1 and len(outcomes) == CONTENDERS
    assert all(o == "won" or "already taken this visit" in o for o in outcomes), set(outcomes)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.PLANNED
    taker = Invitation.objects.get(visit=visit, status=Invitation.Status.INTERESTED).helpper_id
    assert visit.helpper_id == taker
