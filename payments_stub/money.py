"""Money arithmetic in integer cents, with one rounding rule (half up, to the cent) for all of it.

Every amount is computed once per hour log, from its minutes, and stored; sums are sums of these
rounded amounts, so a statement always equals the sum of its lines.
"""

from __future__ import annotations

from dataclasses import dataclass


def per_hour(minutes: int, cents_per_hour: int) -> int:
    """`minutes` at `cents_per_hour`, rounded half up: 50 minutes at € 8 → 667 cents."""
    return (minutes * cents_per_hour + 30) // 60


def share(cents: int, basis_points: int) -> int:
    """`basis_points` (1/100 of a percent) of `cents`, rounded half up: 1070 bp of 1200 → 128."""
    return (cents * basis_points + 5_000) // 10_000


@dataclass(frozen=True)
class HoursAmounts:
    """What one hour log is worth: who pays what and who receives what."""

    gross_cents: int  # the helpper's allowance before withholding
    fee_cents: int  # the platform fee, paid by the helppie
    contribution_cents: int  # paid by the helppie's partner fund instead of the helppie
    withheld_cents: int  # withheld from the allowance, owed to the tax authority

    @property
    def helppie_cents(self) -> int:
        return self.gross_cents + self.fee_cents - self.contribution_cents

    @property
    def net_cents(self) -> int:
        return self.gross_cents - self.withheld_cents


def hours_amounts(
    *,
    minutes: int,
    allowance_per_hour: int,
    fee_per_hour: int,
    withholding_bp: int,
    contribution_per_hour: int = 0,
    contribution_room: int = 0,
) -> HoursAmounts:
    """The amounts of `minutes` of help. The fund's contribution never exceeds what is left of
    its yearly cap for the member (`contribution_room`) nor what the helppie would pay."""
    gross = per_hour(minutes, allowance_per_hour)
    fee = per_hour(minutes, fee_per_hour)
    contribution = min(per_hour(minutes, contribution_per_hour), max(contribution_room, 0))
    return HoursAmounts(
        gross_cents=gross,
        fee_cents=fee,
        contribution_cents=min(contribution, gross + fee),
        withheld_cents=share(gross, withholding_bp),
    )


def euro_plain(cents: int) -> str:
    """Cents as a plain decimal for files (CSV): -1234 → "-12.34"; exact, no float."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"
