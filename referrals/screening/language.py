"""Which languages' rules to run on a text: French, Dutch, English, by their function words.

Counting stopwords is enough to tell these three apart on a sentence or two, and it costs a
few set look-ups. A text in Brussels may mix languages, and a person may write in another
language than their interface's: so the rules of every language with real evidence run, not
only the winner's. When nothing is recognisable, all three run: missing a crisis because the
language was unclear would be the worst outcome.
"""

from __future__ import annotations

from collections.abc import Iterable

from referrals.screening.rules import LANGUAGES, packs
from referrals.screening.text import Token, tokenize


def scores(words: Iterable[str]) -> dict[str, int]:
    """How many of `words` are function words of each language."""
    counts = dict.fromkeys(LANGUAGES, 0)
    all_packs = packs()
    for word in words:
        for lang in LANGUAGES:
            if word in all_packs[lang].stopwords:
                counts[lang] += 1
    return counts


def detect(text: str) -> str | None:
    """The most likely of fr/nl/en for `text`, or None when no function word is recognised."""
    counts = scores(t.norm for t in tokenize(text))
    best = max(LANGUAGES, key=counts.__getitem__)
    return best if counts[best] else None


def languages_for(tokens: list[Token], lang: str | None) -> tuple[str, ...]:
    """The languages whose rules should run: the given one first, then the detected ones.

    A detected language runs when it scores at least half of the best score (and two
    function words); the declared `lang`, when it is one of ours, always runs.
    """
    counts = scores(t.norm for t in tokens)
    best = max(counts.values())
    if best == 0:
        ordered = [lang, *LANGUAGES] if lang in LANGUAGES else list(LANGUAGES)
        return tuple(dict.fromkeys(ordered))
    ranked = sorted(LANGUAGES, key=lambda code: -counts[code])
    chosen = [lang] if lang in LANGUAGES else []
    chosen += [code for code in ranked if counts[code] >= max(2, best / 2) or counts[code] == best]
    return tuple(dict.fromkeys(chosen))
