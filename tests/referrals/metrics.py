"""The screening metrics of ../shared/referrals/score.py, as values instead of printed lines.

Same definitions, so a test can hold the engine to SCREENING.md's targets on any labelled set:
gold rows have "id", "tier", "needs", "primary"; predictions are the command's output rows.
"""

from __future__ import annotations

from dataclasses import dataclass

TIERS = ["none", "low", "moderate", "high", "crisis"]
RANK = {tier: n for n, tier in enumerate(TIERS)}

# SCREENING.md, "What good looks like".
TARGETS = {
    "crisis_recall": 1.0,
    "benign_false_flag": 0.05,
    "primary": 0.85,
    "sentinel_recall": 0.90,
    "needs_f1": 0.80,
}


@dataclass(frozen=True)
class Metrics:
    crisis_recall: float
    benign_false_flag: float
    primary: float
    sentinel_recall: float
    needs_f1: float
    missed_crises: tuple[str, ...]
    false_flags: tuple[str, ...]
    sentinel_texts: int = 0

    def failures(
        self, *, every_benign_text: bool = True, benign_limit: float = TARGETS["benign_false_flag"]
    ) -> list[str]:
        """The targets this run misses, readable in an assertion message. With
        `every_benign_text`, one ordinary text flagged is a failure too (the regression sets
        the rules were written from); without, SCREENING.md's 5% holds (or `benign_limit`: the
        minimal-pair sets of `data/sets.json`). Sentinel recall counts
        only where the set has texts for the sentinel programme."""
        failed = []
        for name in ("crisis_recall", "primary", "sentinel_recall", "needs_f1"):
            if name == "sentinel_recall" and not self.sentinel_texts:
                continue
            if getattr(self, name) < TARGETS[name]:
                failed.append(f"{name}={getattr(self, name):.3f} < {TARGETS[name]}")
        if self.benign_false_flag > benign_limit:
            failed.append(f"benign_false_flag={self.benign_false_flag:.3f} > {benign_limit}")
        if self.missed_crises:
            failed.append(f"missed crises: {', '.join(self.missed_crises)}")
        if self.false_flags and every_benign_text:
            failed.append(f"benign texts flagged: {', '.join(self.false_flags)}")
        return failed


def score(gold: dict[str, dict], pred: dict[str, dict]) -> Metrics:
    """score.py's metrics of `pred` against `gold` (both keyed by id)."""

    def tier(i: str) -> str:
        return pred.get(i, {}).get("tier", "none")

    def orientation(i: str) -> list[str]:
        return pred.get(i, {}).get("orientation", []) or []

    crisis = [i for i, g in gold.items() if g["tier"] == "crisis"]
    benign = [i for i, g in gold.items() if g["tier"] == "none"]
    flagged = [i for i, g in gold.items() if RANK[g["tier"]] >= RANK["moderate"]]
    sentinel = [i for i, g in gold.items() if g["primary"] == "sentinel_programme"]
    missed = tuple(i for i in crisis if tier(i) != "crisis")
    false_flags = tuple(i for i in benign if RANK.get(tier(i), 0) >= RANK["moderate"])
    primary_ok = sum(
        bool(orientation(i)) and orientation(i)[0] == gold[i]["primary"] for i in flagged
    )
    tp = fp = fn = 0
    for i, g in gold.items():
        predicted, expected = set(pred.get(i, {}).get("needs", [])), set(g["needs"])
        tp, fp, fn = (
            tp + len(predicted & expected),
            fp + len(predicted - expected),
            fn + len(expected - predicted),
        )
    return Metrics(
        crisis_recall=(len(crisis) - len(missed)) / max(len(crisis), 1),
        benign_false_flag=len(false_flags) / max(len(benign), 1),
        primary=primary_ok / max(len(flagged), 1),
        sentinel_recall=sum("sentinel_programme" in orientation(i) for i in sentinel)
        / max(len(sentinel), 1),
        needs_f1=2 * tp / max(2 * tp + fp + fn, 1),
        missed_crises=missed,
        false_flags=false_flags,
        sentinel_texts=len(sentinel),
    )
