"""The arithmetic, on worked examples: allowance, fee, withholding, the fund's contribution.

Defaults (settings): a platform fee of € 2.00 per hour paid by the helppie, 10.70 % withheld
from the helpper's allowance. Every amount is rounded half up to the cent, once per hours log.
"""

import pytest
from django.test import override_settings
from django.utils import translation

from marketplace.templatetags.money import euro
from payments_stub import billing, money, selectors, services
from payments_stub.models import Account, Statement
from tests.payments.conftest import last_month, log, logged_and_validated, visit_done


def test_it_rounds_half_up_to_the_cent():
    # 50 minutes at € 8.00 = € 6.6666… → € 6.67; 10.70 % of € 6.67 = € 0.71369 → € 0.71.
    assert money.per_hour(50, 800) == 667
    assert money.share(667, 1070) == 71
    # 45 minutes at € 2.00 = € 1.50 exactly; 10.70 % of € 1.50 = € 0.1605 → € 0.16.
    assert money.per_hour(45, 200) == 150
    assert money.share(150, 1070) == 16


def test_two_and_a_half_hours_at_eight_euro():
    # 150 min × € 8.00/h = € 20.00 allowance; fee 150 min × € 2.00/h = € 5.00;
    # withheld 10.70 % × € 20.00 = € 2.14; Pieter receives € 17.86; Jeanne pays € 25.00.
    amounts = money.hours_amounts(
        minutes=150, allowance_per_hour=800, fee_per_hour=200, withholding_bp=1070
    )
    assert (amounts.gross_cents, amounts.fee_cents, amounts.withheld_cents) == (2000, 500, 214)
    assert amounts.net_cents == 1786
    assert amounts.helppie_cents == 2500


def test_the_fund_pays_its_share_within_its_yearly_cap():
    # € 3.00/h for 150 min = € 7.50, but only € 4.00 of the member's yearly cap is left.
    amounts = money.hours_amounts(
        minutes=150,
        allowance_per_hour=800,
        fee_per_hour=200,
        withholding_bp=1070,
        contribution_per_hour=300,
        contribution_room=400,
    )
    assert amounts.contribution_cents == 400
    assert amounts.helppie_cents == 2500 - 400


def test_the_fund_never_pays_more_than_the_helppie_would():
    # Free help (€ 0 allowance), 60 minutes: the fee is € 2.00, the fund's € 3.00/h is cut to it.
    amounts = money.hours_amounts(
        minutes=60,
        allowance_per_hour=0,
        fee_per_hour=200,
        withholding_bp=1070,
        contribution_per_hour=300,
        contribution_room=10_000,
    )
    assert amounts.contribution_cents == 200
    assert amounts.helppie_cents == 0


def test_validated_hours_are_posted_with_these_amounts(visit):
    hours = logged_and_validated(visit)

    assert (hours.minutes, hours.gross_cents, hours.fee_cents) == (150, 2000, 500)
    assert (hours.withheld_cents, hours.contribution_cents) == (214, 0)
    entries = {e.account.kind: e.amount_cents for e in hours.posting.entries.all()}
    assert entries == {
        Account.Kind.HELPPIE_RECEIVABLE: 2500,
        Account.Kind.HELPPER_PAYABLE: -1786,
        Account.Kind.WITHHOLDING: -214,
        Account.Kind.PLATFORM_FEES: -500,
    }


def test_a_members_statement_shows_the_fund_and_charges_it_instead(
    jeanne, pieter, jeannes_request, fund
):
    # The fund pays € 3.00/h up to € 10.00 a year. Three visits of 150 minutes last month:
    # € 7.50, then the € 2.50 left of the cap, then nothing.
    services.membership_set(helppie=jeanne, fund=fund, member_number="123-456789-01", by=jeanne)
    visits = [
        visit_done(jeannes_request, pieter, day=last_month().replace(day=d), minutes=150)
        for d in (3, 10, 17)
    ]
    logs = [logged_and_validated(v) for v in visits]

    assert [h.contribution_cents for h in logs] == [750, 250, 0]
    billing.billing_run(month=last_month())
    statement = Statement.objects.get(person=jeanne, kind=Statement.Kind.HELPPIE)
    # 3 × € 20.00 allowance + 3 × € 5.00 fee − € 10.00 from the fund = € 65.00 for Jeanne.
    assert (statement.gross_cents, statement.fee_cents) == (6000, 1500)
    assert (statement.contribution_cents, statement.total_cents) == (1000, 6500)
    assert selectors.balance(kind=Account.Kind.FUND_RECEIVABLE, fund_id=fund.pk) == 1000
    assert selectors.balance(kind=Account.Kind.HELPPIE_RECEIVABLE, user=jeanne) == 0


def test_pieters_statement_is_gross_withheld_and_net(pieter, visit):
    logged_and_validated(visit)
    billing.billing_run(month=last_month())

    statement = Statement.objects.get(person=pieter, kind=Statement.Kind.HELPPER)
    assert (statement.gross_cents, statement.withheld_cents, statement.total_cents) == (
        2000,
        214,
        1786,
    )
    assert selectors.balance(kind=Account.Kind.HELPPER_PAYABLE, user=pieter) == 0


@override_settings(PAYMENTS_PLATFORM_FEE_CENTS=150, PAYMENTS_WITHHOLDING_BP=2000)
def test_rates_come_from_the_settings_and_are_kept_with_the_hours(visit):
    hours = log(visit)

    with override_settings(PAYMENTS_PLATFORM_FEE_CENTS=999):
        hours = services.hours_validate(hours=hours, by=hours.helppie)
    # The fee is the one in force when the hours were logged: 150 min × € 1.50 = € 3.75.
    assert hours.fee_cents == 375
    assert hours.withheld_cents == 400  # 20 % of € 20.00


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("fr", "7\u00a0460,50\u00a0€"),
        ("nl", "€\u00a07.460,50"),
        ("en", "€7,460.50"),
    ],
)
def test_amounts_are_written_the_way_each_language_writes_euro(language, shown):
    with translation.override(language):
        assert euro(746_050) == shown


def test_an_english_refund_puts_the_minus_before_the_euro_sign():
    with translation.override("en"):
        assert euro(-850) == "-€8.50"
