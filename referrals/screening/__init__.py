"""Screening of what people write: tier, needs, orientation and evidence (SCREENING.md).

    from referrals.screening import screen
    result = screen("Je n'en peux plus", lang="fr", context={"self_employed": True})
    result.tier, result.needs, result.orientation, result.evidence, result.as_dict()

Pure Python: no database, no network, no Django settings needed. The rules live in
`rules/*.json` and the learned layer's weights in `model/weights.json`; both are read once,
when this package is imported.
"""

from referrals.screening.engine import screen
from referrals.screening.language import detect
from referrals.screening.model import ModelError, shipped_model
from referrals.screening.result import KINDS, NEEDS, TIERS, Evidence, Screening
from referrals.screening.rules import packs, policy

# Compile every rule file and read the weights now: a broken file fails at import, not on the
# first text.
packs()
policy()
shipped_model()

__all__ = ["KINDS", "NEEDS", "TIERS", "Evidence", "ModelError", "Screening", "detect", "screen"]
