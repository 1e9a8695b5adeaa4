"""The phrase-pattern language of the rule files, compiled to regular expressions.

A pattern is a sequence of space-separated items, matched against consecutive normalised
units (see `text.Surface`); it is written with ordinary spelling ("n'en peux plus",
"être un fardeau") and normalised the same way as the texts it reads:

    word        that word ("déprimé" also matches "deprime", "DÉPRIMÉ")
    word*       a word starting with "word"; *word: ending with it; *word*: containing it
    a|b*|c      any of the alternatives; an alternative of several words joins them with
                "_" ("tout_le_temps|sans_arret"), or is one word with an apostrophe ("n'en")
    !a|b        one word that is none of the alternatives
    [a|b]       optionally one of the alternatives
    ~N          up to N words of anything in between (never a clause boundary)
    #           a clause boundary or either end of the text (also as an alternative: "in|#")

    @name       any word or phrase of the language's word class `name` (the rule file's
                "classes": {"means": ["pills", "sleeping_tablets", ...]}), also as one
                alternative among others ("pills|@means"); a class names a phenomenon once
                (means, wish verbs, trades) so that every rule using it broadens together

A pattern starting with "&" lists items that must all occur in one clause, in any order:
"& hoeft niet meer" matches "het hoeft voor mij niet meer" and "het hoeft niet meer voor
hem". Dutch verb-final clauses and free French or English word order need it. A pattern
starting with "&&" does the same within one sentence (a comma does not separate its items,
a full stop, question mark, exclamation mark, semicolon or line break does): "&& @pills
gardé|stocké" matches "j'ai gardé mes somnifères, au cas où". A pattern starting with "&&&"
does the same within the whole text, for combinations a writer spreads over sentences: "&&&
*brug enkel_heen" matches "Wie brengt me naar de Scheldebrug? Enkel heen." Only a pair that
means nothing ordinary however far apart belongs there.

Every compiled pattern also says which words it cannot match without (its anchor), so that
`PatternIndex` only runs the few patterns a text can possibly match: that keeps screening in
the thousands of texts per second with hundreds of patterns per language.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from referrals.screening.text import BOUNDARY, tokenize

_ANY_WORD = rf"[^ {BOUNDARY}][^ ]*"
_GAP = re.compile(r"~(\d+)")


@dataclass(frozen=True)
class Anchor:
    """Words a pattern needs: exact words, or word prefixes (from `word*`)."""

    exact: frozenset[str] = frozenset()
    prefixes: frozenset[str] = frozenset()

    @property
    def strength(self) -> int:
        """The shortest key: longer keys are rarer, so they make better anchors."""
        keys = [*self.exact, *(p[:-1] for p in self.prefixes)]
        return min((len(k) for k in keys), default=0)


@dataclass(frozen=True)
class Compiled:
    """One pattern, ready to search a `Surface.string`.

    An ordered pattern has one `regex`; an unordered ("&") pattern has `parts`, one regex per
    item, each to be found within the same clause.
    """

    source: str
    regex: re.Pattern[str] | None
    anchor: Anchor | None
    parts: tuple[re.Pattern[str], ...] = ()
    scope: str = "clause"  # of an unordered pattern: "clause", "sentence" or "text"


def _words(alternative: str) -> list[str]:
    """Normalise one alternative the way texts are normalised; keep its `*` wildcards."""
    if alternative == BOUNDARY:
        return [BOUNDARY]
    lead = alternative.startswith("*")
    trail = alternative.endswith("*") and len(alternative) > 1
    tokens = tokenize(alternative.strip("*"))
    if not tokens or any(t.norm == BOUNDARY for t in tokens):
        raise ValueError(f"alternative {alternative!r} must be words (punctuation is not syntax)")
    words = [t.norm for t in tokens]
    if lead:
        words[0] = "*" + words[0]
    if trail:
        words[-1] = words[-1] + "*"
    return words


def _word_regex(word: str) -> str:
    core = re.escape(word.strip("*"))
    head = "[^ ]*" if word.startswith("*") else ""
    tail = "[^ ]*" if word.endswith("*") else ""
    return head + core + tail


Classes = dict[str, tuple[str, ...]]


def _alternatives(item: str, classes: Classes | None = None) -> list[list[str]]:
    found: list[list[str]] = []
    for alt in item.split("|"):
        if alt.startswith("@"):
            members = (classes or {}).get(alt[1:])
            if members is None:
                raise ValueError(f"unknown word class {alt!r}")
            found += [_words(member) for member in members]
        elif alt:
            found.append(_words(alt))
    return found


def _alternation(alternatives: list[list[str]]) -> str:
    return "(?:" + "|".join(" ".join(map(_word_regex, w)) + " " for w in alternatives) + ")"


def _anchor(alternatives: list[list[str]]) -> Anchor | None:
    """The keys of one item: each alternative contributes its best literal or prefix word."""
    exact: set[str] = set()
    prefixes: set[str] = set()
    for words in alternatives:
        if words == [BOUNDARY]:
            return None
        literal = [w for w in words if "*" not in w]
        prefix = [w for w in words if w.endswith("*") and not w.startswith("*")]
        if literal:
            exact.add(max(literal, key=len))
        elif prefix and len(prefix[0]) > 3:
            prefixes.add(prefix[0])
        else:
            return None
    return Anchor(frozenset(exact), frozenset(prefixes))


_SCOPES = {"&": "clause", "&&": "sentence", "&&&": "text"}


def _compile_unordered(source: str, classes: Classes | None) -> Compiled:
    lead, *items = source.split()
    scope = _SCOPES.get(lead)
    if scope is None:
        raise ValueError("an unordered pattern starts with '&', '&&' or '&&&' and a space")
    if len(items) < 2 or any(_GAP.fullmatch(i) or i[0] in "#![" for i in items):
        raise ValueError("an '&' pattern lists two or more plain items")
    alternatives = [_alternatives(item, classes) for item in items]
    anchors = [a for a in map(_anchor, alternatives) if a is not None]
    best = max(anchors, key=lambda a: a.strength, default=None)
    parts = tuple(re.compile("(?<![^ ])" + _alternation(alts)) for alts in alternatives)
    return Compiled(source, None, best, parts, scope)


def compile_pattern(source: str, classes: Classes | None = None) -> Compiled:
    """Compile one pattern of the rule-file language; `ValueError` says what is wrong.

    `classes` are the word classes `@name` may refer to (an unknown one is an error).
    """
    if source.startswith("&"):
        return _compile_unordered(source, classes)
    parts: list[str] = []
    anchors: list[Anchor] = []
    for item in source.split():
        gap = _GAP.fullmatch(item)
        if gap:
            parts.append(f"(?:{_ANY_WORD} ){{0,{int(gap.group(1))}}}")
        elif item == BOUNDARY:
            parts.append(f"{BOUNDARY} ")
        elif item.startswith("!"):
            parts.append(f"(?!{_alternation(_alternatives(item[1:], classes))}){_ANY_WORD} ")
        elif item.startswith("[") and item.endswith("]"):
            parts.append(_alternation(_alternatives(item[1:-1], classes)) + "?")
        else:
            alternatives = _alternatives(item, classes)
            parts.append(_alternation(alternatives))
            anchor = _anchor(alternatives)
            if anchor is not None:
                anchors.append(anchor)
    if not parts:
        raise ValueError("empty pattern")
    best = max(anchors, key=lambda a: a.strength, default=None)
    return Compiled(source, re.compile("(?<![^ ])" + "".join(parts)), best)


@dataclass
class PatternIndex:
    """Finds which of many patterns a text can match, from the words it contains.

    `candidates(units)` returns the positions (in the order added) of every pattern whose
    anchor words occur among `units`, plus the patterns without an anchor: a pattern left out
    could not have matched.
    """

    exact: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    prefixes: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    prefix_lengths: set[int] = field(default_factory=set)
    always: list[int] = field(default_factory=list)

    def add(self, position: int, anchor: Anchor | None) -> None:
        if anchor is None:
            self.always.append(position)
            return
        for word in anchor.exact:
            self.exact[word].append(position)
        for prefix in anchor.prefixes:
            key = prefix[:-1]
            self.prefixes[key].append(position)
            self.prefix_lengths.add(len(key))

    def candidates(self, units: Iterable[str]) -> list[int]:
        found: set[int] = set(self.always)
        lengths = sorted(self.prefix_lengths)
        for unit in set(units):
            hits = self.exact.get(unit)
            if hits:
                found.update(hits)
            for length in lengths:
                if length > len(unit):
                    break
                hits = self.prefixes.get(unit[:length])
                if hits:
                    found.update(hits)
        return sorted(found)
