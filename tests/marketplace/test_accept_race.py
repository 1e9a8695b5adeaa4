"""Two helppers' offers, many clicks at the same instant: exactly one acceptance wins."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from marketplace import services
from marketplace.models import HelpRequest, Offer, Visit
from tests import factories


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_exactly_one_of_many_simultaneous_acceptances_wins(round_):
    claire = factories.UserFactory(is_staff=True)
    jeanne = factories.UserFactory(is_helppie=True)
    factories.place_at(jeanne, "1050")
    request = factories.help_request(helppie=jeanne)
    offers = [
        services.offer_make(request=request, helpper=factories.helpper(postcode="1050", by=claire))
        for _ in range(10)
    ]
    barrier = threading.Barrier(len(offers))
    outcomes: list[str] = []

    def accept(offer):
        try:
            barrier.wait()
            services.offer_accept(offer=offer, by=jeanne)
            outcomes.append("won")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(offer,)) for offer in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()

    assert outcomes.count("won") == 1
    assert len(outcomes) == len(offers)
    assert Offer.objects.filter(request=request, status=Offer.Status.ACCEPTED).count() == 1
    winner = Offer.objects.get(request=request, status=Offer.Status.ACCEPTED).helpper
    assert HelpRequest.objects.get(pk=request.pk).status == HelpRequest.Status.MATCHED
    assert set(Visit.objects.filter(request=request).values_list("helpper", flat=True)) == {
        winner.pk
    }
