"""What a screening says: a tier, needs, service kinds to orient to, and the evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TIERS = ("none", "low", "moderate", "high", "crisis")
TIER_RANK = {tier: rank for rank, tier in enumerate(TIERS)}

NEEDS = (
    "isolation",
    "psychological_distress",
    "suicide_risk",
    "financial_hardship",
    "selfemployed_distress",
    "medical",
    "frailty",
    "abuse",
    "caregiver_burnout",
)

KINDS = (
    "crisis_line",
    "sentinel_programme",
    "psychologist",
    "gp",
    "cpas",
    "mutuality_social_service",
    "befriending",
    "personal_alarm",
    "abuse_helpline",
    "carer_support",
)


@dataclass(frozen=True)
class Evidence:
    """A rule that fired and the words it fired on: `text == original[start:end]`."""

    rule: str
    text: str
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Screening:
    """The outcome of screening one text. It spots and orients; it never diagnoses.

    - `tier`: one of `TIERS`; "none" exactly when `needs` is empty.
    - `needs`: need codes of `NEEDS`, in a stable order (the order of `NEEDS`).
    - `orientation`: service kinds of `KINDS`, most appropriate first; empty when tier is
      "none"; "crisis_line" first when tier is "crisis".
    - `evidence`: what fired, in text order. A tier "none" may still carry evidence: a denial
      ("je ne pense pas au suicide") is kept so that a person reading the case can see it.
    - `about_someone_else`: the writer reports on another person (a neighbour, a parent):
      the orientation is then for the writer to act on.
    """

    tier: str
    needs: tuple[str, ...] = ()
    orientation: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    about_someone_else: bool = field(default=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """The contract's JSON shape (SCREENING.md), without the "id"."""
        return {
            "tier": self.tier,
            "needs": list(self.needs),
            "orientation": list(self.orientation),
            "evidence": [e.as_dict() for e in self.evidence],
        }
