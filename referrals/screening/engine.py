"""Screening one text: match the rules, drop idioms and denials, combine, conclude.

The order of reasoning, each step explainable from the rule files:

1. Every language that may be in the text runs its phrase rules on normalised surface tokens.
2. A signal overlapped by an idiom is dropped ("mort de rire", "this deadline is killing me").
   A deniable idiom holding a denial cue inside it does not apply: "une corde pour la
   balançoire" explains a rope away, "une corde, et c'est pas pour une balançoire" does not.
   A signal cut by an ellipsis and finished by an ordinary ending is a joke's set-up ("une
   lettre d'adieu... à mon vieux frigo") and is dropped like an idiom.
3. A deniable signal with a denial cue just before it in the same clause is dropped ("je ne
   suis pas déprimé", "ik heb geen zelfmoordgedachten"). Non-deniable signals carry their
   negation inside them and are never dropped this way ("je ne veux plus vivre"); but any
   signal answered no, as in a visit report's checklist ("Idées noires : non"), is.
4. The learned layer (`model.py`) reads the text without the words of idioms and denials, and
   adds a need the rules did not signal where its score reaches the need's threshold: where
   the rules found nothing, only if its gate (any concern at all) opens too. Its evidence is
   `model.<need>` with the words that weighed most.
5. Needs and a tier come from the signals left and the needs added; roles (self-employed,
   carer, a report about someone else, a long duration) and the caller's context combine with
   them (`common.json`).
6. Service kinds follow from the needs (`orientation.py`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from referrals.screening.language import languages_for
from referrals.screening.model import Model, explain, shipped_model
from referrals.screening.orientation import orient
from referrals.screening.patterns import Compiled
from referrals.screening.result import NEEDS, TIER_RANK, TIERS, Evidence, Screening
from referrals.screening.rules import Combo, Denial, LanguagePack, Rule, packs, policy
from referrals.screening.text import BOUNDARY, Surface, Token, surface, tokenize

# Context keys that make a person count as self-employed: now, or on 14/03/2020 (the
# sentinel programme's own eligibility: people who were self-employed when Covid began).
SELF_EMPLOYED_KEYS = ("self_employed", "self_employed_on_2020_03_14")

# The boxes of a checklist: empty ("[ ]", "☐") or ticked ("[x]", "☑"). An item whose box is
# empty was answered no ("[ ] idées noires", "isolement ☐").
_BOX = re.compile(r"\[ ?\]|\( ?\)|[☐□]|(?P<ticked>\[ ?[xX✓✔] ?\]|[☑☒✅✓✔])")
# What a question or checklist item is answered after: "Eenzaam: nee", "Low mood? no",
# "thoughts of ending her life – no".
_ANSWER_SIGNS = ":?–—-"
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Hit:
    rule: Rule
    first: int
    last: int
    start: int
    end: int

    def overlaps(self, other: Hit) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass
class Findings:
    signals: list[Hit] = field(default_factory=list)
    roles: list[Hit] = field(default_factory=list)
    denials: list[Evidence] = field(default_factory=list)
    # Spans the rules explained away (idioms, denied signals): the model does not read them.
    masked: list[tuple[int, int]] = field(default_factory=list)


def _span(surf: Surface, start: int, end: int) -> tuple[int, int] | None:
    """The units a regex match covers, without the boundaries at its edges."""
    first = bisect_right(surf.offsets, start) - 1
    last = bisect_left(surf.offsets, end) - 1
    while first <= last and surf.units[first] == BOUNDARY:
        first += 1
    while last >= first and surf.units[last] == BOUNDARY:
        last -= 1
    return (first, last) if first <= last else None


def _clauses(surf: Surface, scope: str = "clause") -> list[tuple[int, int]]:
    """Character ranges of the clauses (or the sentences, or the whole text) of
    `surf.string`."""
    if scope == "text":
        edges = [0, surf.offsets[-1]]
    else:
        edges = [
            surf.offsets[i]
            for i, unit in enumerate(surf.units)
            if unit == BOUNDARY and (scope == "clause" or i in surf.sentence_ends)
        ]
    return [(a + 2, b) for a, b in zip(edges, edges[1:], strict=False) if b > a + 2]


def _matches(pattern: Compiled, surf: Surface) -> Iterator[tuple[int, int]]:
    """Character spans where `pattern` matches: every match, or every clause for "&"
    (every sentence for "&&", the text for "&&&")."""
    if pattern.regex is not None:
        for match in pattern.regex.finditer(surf.string):
            yield match.start(), match.end()
        return
    first, *others = pattern.parts
    for start, end in _clauses(surf, pattern.scope):
        for lead in first.finditer(surf.string, start, end):
            # The occurrence of each other item nearest the first keeps the evidence short.
            near = [_nearest(part, surf.string, start, end, lead.start()) for part in others]
            if all(near):
                spans = [(lead.start(), lead.end()), *near]
                yield min(a for a, _ in spans), max(b for _, b in spans)
                break


def _nearest(
    part: re.Pattern[str], string: str, start: int, end: int, at: int
) -> tuple[int, int] | None:
    spans = [(m.start(), m.end()) for m in part.finditer(string, start, end)]
    return min(spans, key=lambda span: abs(span[0] - at), default=None)


def _hits(pack: LanguagePack, surf: Surface) -> list[Hit]:
    hits = []
    for position in pack.index.candidates(surf.units):
        rule, pattern = pack.patterns[position]
        for match_start, match_end in _matches(pattern, surf):
            units = _span(surf, match_start, match_end)
            if units:
                start, end = surf.spans[units[0]][0], surf.spans[units[1]][1]
                hits.append(Hit(rule, units[0], units[1], start, end))
    return hits


def _denial_cue(denial: Denial, surf: Surface, hit: Hit) -> int | None:
    """The unit where a denial cue starts, if one stands before (or inside) the signal.

    Only the same clause counts, and only `window` words back: a boundary or a breaker word
    ("mais", "pourquoi", "because") stops the search.
    """
    low = hit.first
    while low > 0 and hit.first - low < denial.window:
        unit = surf.units[low - 1]
        if unit == BOUNDARY or unit in denial.breakers:
            break
        low -= 1
    base = surf.offsets[low]
    cue = denial.cues.search(surf.string, base, surf.offsets[hit.last + 1])
    if cue is None or _only_how_often(denial, surf, hit, cue.start()):
        return None
    return bisect_right(surf.offsets, cue.start()) - 1


def _only_how_often(denial: Denial, surf: Surface, hit: Hit, cue: int) -> bool:
    """Whether the denial only denies how often ("pas tous les jours", "not all the time"):
    a `partial` word between the cue and the end of the clause, at most `window` words on."""
    if denial.partial is None:
        return False
    end = _clause_end(surf, hit.last + 1, denial.window, denial.breakers)
    return denial.partial.search(surf.string, cue, surf.offsets[end]) is not None


def _clause_end(
    surf: Surface, start: int, window: int, breakers: frozenset[str] = frozenset()
) -> int:
    """The unit where the clause from `start` ends: its boundary (or a breaker word), or the
    unit `window` words on, whichever comes first."""
    end = start
    while end - start < window and surf.units[end] != BOUNDARY and surf.units[end] not in breakers:
        end += 1
    return end


def _answered_no(
    denial: Denial, surf: Surface, text: str, hit: Hit, checklist: Checklist | None
) -> bool:
    """Whether the signal is a question or a checklist item answered no ("Eenzaam: nee",
    "[ ] idées noires")."""
    if checklist is not None and checklist.unticked(text, hit):
        return True
    if denial.answers is None:
        return False
    mark = _clause_end(surf, hit.last + 1, denial.window)
    if mark + 2 >= len(surf.units) or surf.units[mark] != BOUNDARY:
        return False
    gap = text[hit.end : surf.spans[mark + 1][0]]
    if not any(sign in gap for sign in _ANSWER_SIGNS) and not _asked(denial, surf, hit):
        return False
    answer = denial.answers.match(surf.string, surf.offsets[mark + 1])
    return answer is not None and surf.string.startswith(BOUNDARY, answer.end())


def _asked(denial: Denial, surf: Surface, hit: Hit) -> bool:
    """Whether the signal is in a reported question: a `questions` word before it in its
    sentence ("Le médecin m'a demandé si j'avais des idées noires")."""
    if denial.questions is None:
        return False
    start = max((end for end in surf.sentence_ends if end < hit.first), default=0)
    found = denial.questions.search(surf.string, surf.offsets[start], surf.offsets[hit.first])
    return found is not None


@dataclass(frozen=True)
class Checklist:
    """The boxes of a checklist in a text, read once per text.

    A checklist puts its boxes either before its items ("[ ] chute [x] tristesse") or after
    them ("chute ☐ tristesse ☑"): the first box tells which (`leading`). An item is short: at
    most `ITEM_WORDS` words stand between its box (or, boxes after items, the previous box or
    the list's label) and the signal, on one line. A lone box is no checklist, and a long
    sentence before an empty box ("she said she wants to die [ ] call GP") is no item of one.
    """

    boxes: tuple[re.Match[str], ...]
    leading: bool

    ITEM_WORDS = 3

    def unticked(self, text: str, hit: Hit) -> bool:
        """Whether the signal is an item whose own box is empty."""
        if self.leading:
            before = [b for b in self.boxes if b.end() <= hit.start]
            if not before:
                return False
            box, item = before[-1], text[before[-1].end() : hit.start]
        else:
            after = [b for b in self.boxes if b.start() >= hit.end]
            if not after:
                return False
            box = after[0]
            previous = [b.end() for b in self.boxes if b.end() <= hit.start]
            item = text[max(previous, default=_label_end(text, hit.start)) : hit.start]
            if "\n" in text[hit.end : box.start()]:
                return False
        return (
            box.group("ticked") is None
            and "\n" not in item
            and len(_WORD.findall(item)) <= self.ITEM_WORDS
        )


def _checklist(text: str) -> Checklist | None:
    """The text's checklist: two boxes or more."""
    if not any(mark in text for mark in "[(☐□"):
        return None
    boxes = tuple(_BOX.finditer(text))
    if len(boxes) < 2:
        return None
    first = boxes[0].start()
    leading = not any(ch.isalpha() for ch in text[_label_end(text, first) : first])
    return Checklist(boxes, leading)


def _label_end(text: str, at: int) -> int:
    """Where the items of a list start on the line of `at`: after its label's colon, if any."""
    line_start = text.rfind("\n", 0, at) + 1
    return max(text.rfind(":", line_start, at) + 1, line_start)


def _denied_idiom(pack: LanguagePack, surf: Surface, hit: Hit) -> bool:
    """Whether a deniable idiom says its own ordinary frame is not the case, or only asks: a
    denial cue or a question between its first and last word ("a rope, and it's not for a
    swing"; "buying a rope, and the guy asked if it was for a swing")."""
    if not hit.rule.deniable:
        return False
    start, end = surf.offsets[hit.first], surf.offsets[hit.last + 1]
    questions = pack.denial.questions
    return pack.denial.cues.search(surf.string, start, end) is not None or (
        questions is not None and questions.search(surf.string, start, end) is not None
    )


def _revealed(pack: LanguagePack, surf: Surface, text: str, hit: Hit) -> bool:
    """Whether the signal is the set-up of a joke: an ellipsis right after it, then an ending
    that starts with a `reveal.after` word and names no person nor everything."""
    reveal, cut = pack.reveal, hit.last + 1
    if reveal is None or cut + 1 >= len(surf.units) or surf.units[cut] != BOUNDARY:
        return False
    gap = text[hit.end : surf.spans[cut + 1][0]]
    if "..." not in gap and "…" not in gap:
        return False
    start = surf.offsets[cut + 1]
    if reveal.after.match(surf.string, start) is None:
        return False
    stop = _clause_end(surf, cut + 1, reveal.window)
    return (
        reveal.unless is None
        or reveal.unless.search(surf.string, start, surf.offsets[stop]) is None
    )


def _match_language(pack: LanguagePack, surf: Surface, text: str, found: Findings) -> None:
    hits = _hits(pack, surf)
    idioms = [h for h in hits if h.rule.kind == "idiom" and not _denied_idiom(pack, surf, h)]
    idioms += [h for h in hits if h.rule.kind == "signal" and _revealed(pack, surf, text, h)]
    found.masked.extend((idiom.start, idiom.end) for idiom in idioms)
    checklist = _checklist(text)
    for hit in hits:
        if hit.rule.kind == "idiom" or any(hit.overlaps(idiom) for idiom in idioms):
            continue
        signal = hit.rule.kind == "signal"
        if signal and _answered_no(pack.denial, surf, text, hit, checklist):
            start = hit.start
        else:
            cue = _denial_cue(pack.denial, surf, hit) if hit.rule.deniable else None
            if cue is None:
                (found.roles if hit.rule.kind == "role" else found.signals).append(hit)
                continue
            start = min(surf.spans[cue][0], hit.start)
        found.masked.append((start, hit.end))
        if hit.rule.tier == "crisis":
            # A denial of suicide is kept as evidence (worth a look), but is no flag.
            found.denials.append(Evidence(pack.denial.id, text[start : hit.end], start, hit.end))


def _roles(found: Findings, context: dict[str, Any]) -> set[str]:
    roles = {role for hit in (*found.roles, *found.signals) for role in hit.rule.roles}
    if any(context.get(key) is True for key in SELF_EMPLOYED_KEYS):
        roles.add("selfemployed")
    return roles


def _applies(combo: Combo, roles: set[str], need_rank: dict[str, int]) -> bool:
    needs = set(need_rank)
    return (
        (not combo.roles_any or bool(combo.roles_any & roles))
        and combo.roles_all <= roles
        and (not combo.needs_any or bool(combo.needs_any & needs))
        and combo.needs_all <= needs
        and all(need_rank.get(n, -1) >= TIER_RANK[t] for n, t in combo.need_at_least.items())
    )


def _combine(roles: set[str], need_rank: dict[str, int], tier: int) -> tuple[int, set[str]]:
    """Apply `common.json`'s combinations in order; return the tier and the roles used."""
    used: set[str] = set()
    for combo in policy().combos:
        if not _applies(combo, roles, need_rank):
            continue
        floor = TIER_RANK[combo.min_tier]
        for need in combo.add_needs:
            need_rank[need] = max(need_rank.get(need, 0), floor)
        tier = max(tier, floor)
        used |= (combo.roles_any | combo.roles_all) & roles
    return tier, used


def _escalate(signals: list[Hit], tier: int) -> int:
    """Several distinct serious signals together weigh more than the strongest alone."""
    rules = policy()
    serious = {
        h.rule.id for h in signals if TIER_RANK[h.rule.tier] >= TIER_RANK[rules.escalate_from]
    }
    ceiling = TIER_RANK[rules.escalate_to]
    if len(serious) >= rules.escalate_after and tier < ceiling:
        return tier + 1
    return tier


def _evidence(
    found: Findings, used_roles: set[str], text: str, flagged: bool, learned: list[Evidence]
) -> tuple[Evidence, ...]:
    """The signals and the roles that counted, the model's reasons for the needs it added,
    plus denials of suicide, in text order."""
    hits = [*found.signals, *(h for h in found.roles if set(h.rule.roles) & used_roles)]
    items = {Evidence(h.rule.id, text[h.start : h.end], h.start, h.end) for h in hits}
    items = (items | set(learned) if flagged else set()) | set(found.denials)
    return tuple(sorted(items, key=lambda e: (e.start, e.end, e.rule)))


def _learn(
    learned: Model | None,
    tokens: list[Token],
    found: Findings,
    text: str,
    need_rank: dict[str, int],
) -> list[Evidence]:
    """Needs the rules did not signal that the model finds, added to `need_rank` at the tier the
    model file gives each label; the evidence names the words that weighed most.

    - The crisis detector (`suicide_risk`) stands on its own threshold, whatever the rules
      found: a new author's crises are mostly indirect ("I've rehomed the dog and left letters
      for the boys"), and the rules read distress or nothing in them. Where the rules explained
      words away (an idiom, a denial), it needs the higher `explained` threshold: the person
      said what their words do not mean.
    - Any other need: where the rules found nothing, only if the gate (`concern`) opens too.
      Where the rules found needs, it ranks no higher than theirs: their more specific signals
      keep leading the orientation, and the model only completes it.
    """
    if learned is None:
        return []
    verdicts = learned.verdicts(tokens, found.masked)
    gate = learned.gate
    opened = bool(need_rank) or gate is None or verdicts[gate].fires
    ceiling = max(need_rank.values(), default=TIER_RANK["crisis"])
    added: list[str] = []
    for verdict, tier, explained in zip(verdicts, learned.tiers, learned.explained, strict=True):
        if tier is None or verdict.label in need_rank:
            continue
        if tier == "crisis":
            fires = verdict.score >= explained if found.masked else verdict.fires
        else:
            fires = verdict.fires and opened
        if fires:
            rank = TIER_RANK[tier]
            need_rank[verdict.label] = rank if tier == "crisis" else min(rank, ceiling)
            added.append(verdict.label)
    if not added:
        return []
    return [
        Evidence(f"model.{label}", text[start:end], start, end)
        for label, pushes in learned.pushes(added, tokens, found.masked).items()
        for start, end in explain(pushes)
    ]


def _conclude(
    found: Findings,
    text: str,
    context: dict[str, Any],
    tokens: list[Token],
    learned: Model | None,
) -> Screening:
    need_rank: dict[str, int] = {}
    for hit in found.signals:
        for need in hit.rule.needs:
            need_rank[need] = max(need_rank.get(need, 0), TIER_RANK[hit.rule.tier])
    reasons = _learn(learned, tokens, found, text, need_rank)
    tier = max(need_rank.values(), default=0)
    roles = _roles(found, context)
    tier, used_roles = _combine(roles, need_rank, tier)
    tier = _escalate(found.signals, tier) if need_rank else 0
    evidence = _evidence(found, used_roles, text, tier > 0, reasons)
    needs = tuple(n for n in NEEDS if n in need_rank) if tier else ()
    return Screening(
        tier=TIERS[tier],
        needs=needs,
        orientation=orient(TIERS[tier], need_rank, found.signals, context),
        evidence=evidence,
        about_someone_else=tier > 0 and "other_person" in roles,
    )


def find(text: str, lang: str | None = None) -> tuple[list[Token], Findings]:
    """The tokens of `text` and what the rules found in them (before any conclusion)."""
    tokens = tokenize(text)
    hint = lang.lower() if isinstance(lang, str) else None
    found = Findings()
    all_packs = packs()
    for code in languages_for(tokens, hint):
        pack = all_packs[code]
        _match_language(pack, surface(tokens, pack.aliases, len(text), text), text, found)
    return tokens, found


def screen_with(
    learned: Model | None,
    text: str,
    lang: str | None = None,
    context: dict[str, Any] | None = None,
) -> Screening:
    """`screen` with a given model (None: the rules alone), for training and for tests."""
    tokens, found = find(text, lang)
    return _conclude(found, text, context or {}, tokens, learned)


def screen(text: str, lang: str | None = None, context: dict[str, Any] | None = None) -> Screening:
    """Screen one text for signs of a deeper need (see `Screening` for what is guaranteed).

    `lang` ("fr", "nl", "en") is a hint: its rules always run, plus those of any language the
    text appears to be written in; None detects. `context` may say `self_employed` (bool),
    `self_employed_on_2020_03_14` (bool) and `age` (int). Pure: no database, no network.
    """
    return screen_with(shipped_model(), text, lang, context)
