"""From needs to service kinds, most appropriate first (the social map's taxonomy).

Why this order (`common.json`, orientation):

- A crisis goes to a crisis line first, whatever else is said.
- Some needs lead whenever they are present, because the service that fits them is the
  only one that sees the whole picture: the sentinel programme for a self-employed person in
  distress (it was made for them), an abuse line when someone is being harmed, carer support
  for an exhausted carer.
- The other needs go by how serious their own signals are, then by a fixed order that puts
  concrete help (CPAS, GP, personal alarm, befriending) before a psychologist: the gentlest
  useful first step. A need signalled more seriously than the others comes first.
- A rule may name its own service kind for its need (a person who can no longer wash alone
  needs care at home from the mutuality rather than a personal alarm).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from referrals.screening.result import TIER_RANK
from referrals.screening.rules import policy

if TYPE_CHECKING:
    from referrals.screening.engine import Hit

# From this age, someone living alone or frail is also pointed to a personal alarm.
ALARM_AGE = 75


def _rule_kinds(signals: Iterable[Hit]) -> dict[str, tuple[str, ...]]:
    """For each need, the kinds named by its most serious signal (empty: the defaults).

    Between equally serious signals, one that names its kinds wins: it is the more specific.
    """
    best: dict[str, tuple[int, tuple[str, ...]]] = {}
    for hit in signals:
        key = (TIER_RANK[hit.rule.tier], hit.rule.orient)
        for need in hit.rule.needs:
            if need not in best or (key[0], bool(key[1])) > (best[need][0], bool(best[need][1])):
                best[need] = key
    return {need: kinds for need, (_, kinds) in best.items()}


def _need_order(need_rank: dict[str, int]) -> list[str]:
    rules = policy()
    lead = [need for need in rules.lead if need in need_rank]
    rest = [need for need in rules.then if need in need_rank]
    rest.sort(key=lambda need: (-need_rank[need], rules.then.index(need)))
    return lead + rest


def orient(
    tier: str, need_rank: dict[str, int], signals: Sequence[Hit], context: dict[str, Any]
) -> tuple[str, ...]:
    """Service kinds for a screening: empty for tier "none", "crisis_line" first for "crisis".

    The first kind of every need comes before any need's second kind, so each need is
    represented near the top.
    """
    if tier == "none":
        return ()
    rules = policy()
    named = _rule_kinds(signals)
    per_need = [named.get(need, ()) + rules.kinds[need] for need in _need_order(need_rank)]
    ordered = [rules.crisis_first] if tier == "crisis" else []
    ordered += [kinds[0] for kinds in per_need]
    ordered += [kind for kinds in per_need for kind in kinds[1:]]
    age = context.get("age")
    frail_or_alone = {"isolation", "frailty"} & set(need_rank)
    if isinstance(age, int) and age >= ALARM_AGE and frail_or_alone:
        ordered.append("personal_alarm")
    return tuple(dict.fromkeys(ordered))
