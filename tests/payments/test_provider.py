"""The fake provider behaves like a real one: it records every call, fails on demand, and honours
idempotency keys (the same key never moves money twice)."""

import pytest
from django.test import override_settings

from payments_stub.models import ProviderCall, ProviderOperation
from payments_stub.provider import FakeProvider, ProviderError, ProviderTimeout, get_provider


@pytest.fixture
def provider(db):
    return get_provider()


def test_the_configured_provider_is_the_fake(provider):
    assert isinstance(provider, FakeProvider)


def test_retrying_a_charge_with_the_same_key_charges_once(provider):
    first = provider.charge(customer="user:1", amount_cents=2500, idempotency_key="k1")
    again = provider.charge(customer="user:1", amount_cents=2500, idempotency_key="k1")

    assert again.reference == first.reference and again.replayed
    assert ProviderOperation.objects.count() == 1
    assert list(ProviderCall.objects.values_list("outcome", flat=True)) == ["done", "replayed"]


def test_a_key_reused_for_another_amount_is_refused(provider):
    provider.charge(customer="user:1", amount_cents=2500, idempotency_key="k1")

    with pytest.raises(ProviderError):
        provider.charge(customer="user:1", amount_cents=9999, idempotency_key="k1")
    assert ProviderOperation.objects.count() == 1
    assert ProviderCall.objects.last().outcome == "refused"


def test_it_fails_on_demand_and_moves_nothing(provider):
    FakeProvider.fail_next(mode="fail")

    with pytest.raises(ProviderError):
        provider.charge(customer="user:1", amount_cents=100, idempotency_key="k")
    assert ProviderOperation.objects.count() == 0
    provider.charge(customer="user:1", amount_cents=100, idempotency_key="k")  # the fault is used
    assert ProviderOperation.objects.count() == 1


def test_a_timeout_after_moving_the_money_is_safe_to_retry(provider):
    FakeProvider.fail_next(mode="timeout_after", kind="payout")

    with pytest.raises(ProviderTimeout):
        provider.pay_out(payee="user:2", amount_cents=1786, idempotency_key="p")
    receipt = provider.pay_out(payee="user:2", amount_cents=1786, idempotency_key="p")
    assert receipt.replayed
    assert ProviderOperation.objects.get().amount_cents == 1786


@override_settings(PAYMENTS_FAKE_PROVIDER_FAILURE="timeout")
def test_the_setting_makes_every_call_time_out(provider):
    with pytest.raises(ProviderTimeout):
        provider.charge(customer="user:1", amount_cents=100, idempotency_key="k")
    assert ProviderCall.objects.get().outcome == "timeout"


def test_a_refund_never_exceeds_the_charge(provider):
    charge = provider.charge(customer="user:1", amount_cents=1000, idempotency_key="c")

    provider.refund(charge_reference=charge.reference, amount_cents=600, idempotency_key="r1")
    with pytest.raises(ProviderError):
        provider.refund(charge_reference=charge.reference, amount_cents=500, idempotency_key="r2")
    with pytest.raises(ProviderError):
        provider.refund(charge_reference="nothing", amount_cents=1, idempotency_key="r3")
    assert ProviderOperation.objects.filter(kind="refund").count() == 1
