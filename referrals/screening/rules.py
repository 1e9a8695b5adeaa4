"""Loading the rule files (`rules/<lang>.json`, `rules/common.json`) into compiled packs.

The rules are data so that a person can read, review and change them without reading code:
each rule has an id (`fr.burden.1`), a one-line reason (`why`), what it signals and its
phrase patterns (see `patterns.py`). Loading validates everything and fails loudly, naming
the rule, so a typo in a rule file stops the process at start-up instead of silently
screening less. `packs()` and `policy()` compile once per process.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

from referrals.screening.patterns import Classes, Compiled, PatternIndex, compile_pattern
from referrals.screening.result import KINDS, NEEDS, TIER_RANK
from referrals.screening.text import tokenize

RULES_DIR = Path(__file__).resolve().parent / "rules"
LANGUAGES = ("fr", "nl", "en")

# A rule is a signal (it says something about needs and tier), an idiom (a set phrase whose
# death words are not risk: it cancels any signal it overlaps) or a role (who the person is:
# self-employed, a carer, someone reported on; it only counts together with a signal).
KINDS_OF_RULE = ("signal", "idiom", "role")
ROLES = (
    "selfemployed",
    "business_trouble",
    "carer",
    "other_person",
    "persistent",
    "strain",
    "bereaved",
)


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    needs: tuple[str, ...] = ()
    tier: str = "none"
    roles: tuple[str, ...] = ()
    deniable: bool = False
    orient: tuple[str, ...] = ()


@dataclass(frozen=True)
class Denial:
    """How a language denies: cue words shortly before a deniable signal cancel it.

    The cue must stand in the same clause, at most `window` words before the signal (or inside
    it): a boundary or a breaker word ("mais", "pourquoi", "maar") ends the search, so that
    "je ne sais pas pourquoi j'ai envie de mourir" is not read as a denial.

    A denial that only denies how often ("je n'y pense pas tous les jours", "not all the
    time") denies nothing: a `partial` word in the same stretch, from the cue to `window` words
    after the signal, keeps the signal.

    A question or a checklist item answered no denies any signal in it, deniable or not:
    "Idées noires : non", "Eenzaam? Nee.", "Talks of not wanting to live: no". The signal ends
    at most `window` words before a colon, a question mark or a dash, and one of the `answers`
    is all that stands between that mark and the end of the clause. A checklist item whose own
    box is empty ("[ ] doodsgedachten") was answered no as well. A reported question ("the doctor
    asked if I have dark thoughts. No, I'm fine") needs no mark: one of the `questions` words
    before the signal in its sentence, and the answer right after it.
    """

    id: str
    cues: re.Pattern[str]
    breakers: frozenset[str]
    window: int
    partial: re.Pattern[str] | None = None
    answers: re.Pattern[str] | None = None
    questions: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Reveal:
    """How a joke is built on an alarming phrase: the phrase, an ellipsis, then an ordinary
    ending ("j'ai écrit une lettre d'adieu... à mon vieux frigo", "ik ga er een eind aan
    maken... aan die bamboe"). The ending starts with an `after` word (a preposition that
    continues the phrase) and, within `window` words, has no `unless` word: a person or
    everything ("... à mes enfants", "... with everything") finishes the phrase in earnest.
    """

    id: str
    after: re.Pattern[str]
    unless: re.Pattern[str] | None
    window: int


@dataclass(frozen=True)
class LanguagePack:
    lang: str
    stopwords: frozenset[str]
    aliases: dict[str, tuple[str, ...]]
    patterns: tuple[tuple[Rule, Compiled], ...]
    index: PatternIndex
    denial: Denial
    reveal: Reveal | None = None


@dataclass(frozen=True)
class Combo:
    """A conclusion drawn from signals and roles together (e.g. self-employed + distress)."""

    id: str
    roles_any: frozenset[str]
    roles_all: frozenset[str]
    needs_any: frozenset[str]
    needs_all: frozenset[str]
    need_at_least: dict[str, str]
    add_needs: tuple[str, ...]
    min_tier: str


@dataclass(frozen=True)
class Policy:
    combos: tuple[Combo, ...]
    escalate_after: int
    escalate_from: str
    escalate_to: str
    crisis_first: str
    lead: tuple[str, ...]
    then: tuple[str, ...]
    kinds: dict[str, tuple[str, ...]]


def _fail(where: str, message: str) -> NoReturn:
    raise ValueError(f"rule file error in {where}: {message}")


def _check_rule(raw: dict[str, Any], lang: str) -> Rule:
    rule_id = raw.get("id", "?")
    kind = raw.get("kind", "signal")
    rule = Rule(
        id=rule_id,
        kind=kind,
        needs=tuple(raw.get("needs", ())),
        tier=raw.get("tier", "none"),
        roles=tuple(raw.get("roles", ())),
        deniable=bool(raw.get("deniable", False)),
        orient=tuple(raw.get("orient", ())),
    )
    if not rule_id.startswith(f"{lang}."):
        _fail(rule_id, f"ids of {lang}.json start with '{lang}.'")
    if kind not in KINDS_OF_RULE:
        _fail(rule_id, f"kind {kind!r} is not one of {KINDS_OF_RULE}")
    if kind == "signal" and (not rule.needs or TIER_RANK.get(rule.tier, 0) == 0):
        _fail(rule_id, "a signal needs 'needs' and a tier above none")
    if kind == "role" and not rule.roles:
        _fail(rule_id, "a role rule needs 'roles'")
    for name, values, allowed in (
        ("need", rule.needs, NEEDS),
        ("role", rule.roles, ROLES),
        ("service kind", rule.orient, KINDS),
    ):
        for value in values:
            if value not in allowed:
                _fail(rule_id, f"unknown {name} {value!r}")
    if not raw.get("patterns"):
        _fail(rule_id, "no patterns")
    return rule


def _compile(rule_id: str, source: str, classes: Classes | None = None) -> Compiled:
    try:
        return compile_pattern(source, classes)
    except (ValueError, re.error) as error:
        raise ValueError(f"rule file error in {rule_id}: pattern {source!r}: {error}") from None


def _aliases(raw: dict[str, str], lang: str) -> dict[str, tuple[str, ...]]:
    """ "cant" -> ("can", "t"): both sides normalised like texts; a key is one word."""
    aliases = {}
    for word, spelled in raw.items():
        keys = tokenize(word)
        if len(keys) != 1:
            _fail(f"{lang}.json aliases", f"{word!r} is not a single word")
        aliases[keys[0].norm] = tuple(t.norm for t in tokenize(spelled))
    return aliases


def _classes(raw: dict[str, list[str]], lang: str) -> Classes:
    """Word classes (`@name` in patterns): each a list of alternatives, checked now."""
    classes: Classes = {}
    for name, members in raw.items():
        if not members or not all(isinstance(m, str) and m and "|" not in m for m in members):
            _fail(f"{lang}.json classes", f"{name!r} must list words or phrases, without '|'")
        for member in members:
            if member.startswith("@"):
                _fail(f"{lang}.json classes", f"{name!r}: a class cannot include another")
            _compile(f"{lang}.json class {name}", member)
        classes[name] = tuple(members)
    return classes


def _alternatives(rule_id: str, sources: list[str]) -> re.Pattern[str] | None:
    """One regular expression matching any of the patterns `sources`, or None for none."""
    if not sources:
        return None
    compiled = [_compile(rule_id, source) for source in sources]
    return re.compile("|".join(f"(?:{c.regex.pattern})" for c in compiled))


def _denial(raw: dict[str, Any], lang: str) -> Denial:
    cues = _alternatives(raw["id"], raw["cues"])
    if cues is None:
        _fail(raw["id"], "a denial needs at least one cue")
    if not raw["id"].startswith(f"{lang}."):
        _fail(raw["id"], f"ids of {lang}.json start with '{lang}.'")
    return Denial(
        id=raw["id"],
        cues=cues,
        breakers=frozenset(t.norm for word in raw["breakers"] for t in tokenize(word)),
        window=int(raw["window"]),
        partial=_alternatives(raw["id"], raw.get("partial", [])),
        answers=_alternatives(raw["id"], raw.get("answers", [])),
        questions=_alternatives(raw["id"], raw.get("questions", [])),
    )


def _reveal(raw: dict[str, Any] | None, lang: str) -> Reveal | None:
    if raw is None:
        return None
    if not raw["id"].startswith(f"{lang}."):
        _fail(raw["id"], f"ids of {lang}.json start with '{lang}.'")
    after = _alternatives(raw["id"], raw["after"])
    if after is None:
        _fail(raw["id"], "a reveal needs at least one 'after' word")
    return Reveal(
        id=raw["id"],
        after=after,
        unless=_alternatives(raw["id"], raw.get("unless", [])),
        window=int(raw["window"]),
    )


def load_pack(lang: str, path: Path | None = None) -> LanguagePack:
    """Read, validate and compile one language's rule file."""
    data = json.loads((path or RULES_DIR / f"{lang}.json").read_text(encoding="utf-8"))
    classes = _classes(data.get("classes", {}), lang)
    seen: set[str] = set()
    compiled: list[tuple[Rule, Compiled]] = []
    index = PatternIndex()
    for raw in data["rules"]:
        rule = _check_rule(raw, lang)
        if rule.id in seen:
            _fail(rule.id, "duplicate id")
        seen.add(rule.id)
        for source in raw["patterns"]:
            index.add(len(compiled), (pattern := _compile(rule.id, source, classes)).anchor)
            compiled.append((rule, pattern))
    return LanguagePack(
        lang=lang,
        stopwords=frozenset(t.norm for word in data["stopwords"] for t in tokenize(word)),
        aliases=_aliases(data.get("aliases", {}), lang),
        patterns=tuple(compiled),
        index=index,
        denial=_denial(data["denial"], lang),
        reveal=_reveal(data.get("reveal"), lang),
    )


def _combo(raw: dict[str, Any]) -> Combo:
    combo = Combo(
        id=raw["id"],
        roles_any=frozenset(raw.get("roles_any", ())),
        roles_all=frozenset(raw.get("roles_all", ())),
        needs_any=frozenset(raw.get("needs_any", ())),
        needs_all=frozenset(raw.get("needs_all", ())),
        need_at_least=dict(raw.get("need_at_least", {})),
        add_needs=tuple(raw.get("add_needs", ())),
        min_tier=raw.get("min_tier", "none"),
    )
    names = [*combo.needs_any, *combo.needs_all, *combo.add_needs, *combo.need_at_least]
    if any(n not in NEEDS for n in names) or combo.min_tier not in TIER_RANK:
        _fail(combo.id, "unknown need or tier")
    if any(r not in ROLES for r in combo.roles_any | combo.roles_all):
        _fail(combo.id, "unknown role")
    return combo


def load_policy(path: Path | None = None) -> Policy:
    """Read and validate `common.json`: combinations, escalation and orientation."""
    data = json.loads((path or RULES_DIR / "common.json").read_text(encoding="utf-8"))
    orientation = data["orientation"]
    kinds = {need: tuple(k) for need, k in orientation["kinds"].items()}
    if set(kinds) != set(NEEDS) or any(k not in KINDS for ks in kinds.values() for k in ks):
        _fail("common.json", "orientation.kinds must map every need to known service kinds")
    if set(orientation["lead"]) | set(orientation["then"]) != set(NEEDS):
        _fail("common.json", "orientation.lead and orientation.then must cover every need")
    escalation = data["escalation"]
    return Policy(
        combos=tuple(_combo(raw) for raw in data["combos"]),
        escalate_after=int(escalation["distinct_signals"]),
        escalate_from=escalation["at_least"],
        escalate_to=escalation["up_to"],
        crisis_first=orientation["crisis_first"],
        lead=tuple(orientation["lead"]),
        then=tuple(orientation["then"]),
        kinds=kinds,
    )


@cache
def packs() -> dict[str, LanguagePack]:
    """Every language's compiled rules, built once per process."""
    return {lang: load_pack(lang) for lang in LANGUAGES}


@cache
def policy() -> Policy:
    """The compiled `common.json`, built once per process."""
    return load_policy()
