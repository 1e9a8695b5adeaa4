"""Surface tokens of a text, normalised for matching, each tied to its span in the original.

Rules match on normalised *surface* tokens, never on lemmas or stems: a lemmatiser turns
Dutch "meer" into "veel" and English "don't" into "do", which destroys the very phrases that
carry risk ("niet meer", "don't want to live"). Normalising is limited to what cannot change
meaning: case, accents, apostrophe shapes, and a few spellings without an apostrophe.

Guarantees: tokens come in text order; `text[token.start:token.end]` is the original surface
form of every word token; clause boundaries (punctuation) are kept as `BOUNDARY` tokens so
that a phrase never matches across a full stop or a comma.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

BOUNDARY = "#"

# A word is a run of letters or digits; apostrophes (straight or curly) and hyphens split
# words, which unifies "n'en", "n’en" and "n en". A clause ends at punctuation, or at a dash or
# a slash standing between spaces (not the hyphen inside "mois-ci", nor the slash of "24/7"):
# "Seems lonely: no / Money worries: no" is two items of a checklist.
_UNITS = re.compile(r"(?P<word>[^\W_]+)|(?P<boundary>[.,;:!?()\[\]…\n]|(?<=\s)[-–—/](?=\s))")

# Folded forms of words seen before: most tokens repeat across texts, and folding a word with
# an accent costs a Unicode decomposition. Bounded so a stream of unusual words cannot grow it
# without limit.
_FOLDED: dict[str, str] = {}
_FOLDED_LIMIT = 50_000
_SPECIAL = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})


class Token(NamedTuple):
    """One unit of the text: a normalised word (or `BOUNDARY`) and its span in the original."""

    norm: str
    start: int
    end: int


def fold(word: str) -> str:
    """Lower case, accents removed, ligatures spelled out: "Été" -> "ete", "Œuvre" -> "oeuvre"."""
    if word.isascii():
        return word.lower()
    cached = _FOLDED.get(word)
    if cached is not None:
        return cached
    decomposed = unicodedata.normalize("NFKD", word.lower().translate(_SPECIAL))
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    if len(_FOLDED) >= _FOLDED_LIMIT:
        _FOLDED.clear()
    _FOLDED[word] = folded
    return folded


def tokenize(text: str) -> list[Token]:
    """The words and clause boundaries of `text`, in order, with offsets into `text`."""
    tokens: list[Token] = []
    for unit in _UNITS.finditer(text):
        if unit.lastgroup == "word":
            folded = fold(unit.group())
            if folded:  # a word of combining marks only folds to nothing
                tokens.append(Token(folded, unit.start(), unit.end()))
        elif not tokens or tokens[-1].norm != BOUNDARY:
            tokens.append(Token(BOUNDARY, unit.start(), unit.end()))
    return tokens


class Surface(NamedTuple):
    """A text as one string of normalised units for one language's rules.

    `string` is every unit followed by one space, starting and ending with a boundary
    ("# je n en peux plus # "), so that a compiled pattern can anchor on spaces alone.
    `offsets[i]` is where unit `i` starts in `string`; `spans[i]` is its span in the original
    text (several units share a span when an alias expanded one word, e.g. "cant" -> "can t").
    `sentence_ends` are the indices of the boundary units that end a sentence (a full stop,
    question or exclamation mark, semicolon, line break, or either end of the text) rather
    than only a clause (a comma, a colon, a dash).
    """

    string: str
    offsets: list[int]
    spans: list[tuple[int, int]]
    units: list[str]
    sentence_ends: frozenset[int] = frozenset()


_SENTENCE_END = frozenset(".!?;…\n")


def surface(
    tokens: list[Token], aliases: dict[str, tuple[str, ...]], length: int, text: str = ""
) -> Surface:
    """Join `tokens` for matching, expanding a language's aliases ("nie" -> "niet").

    With the original `text`, boundaries are told apart as sentence or clause ends; without
    it, every boundary counts as a sentence end.
    """
    units = [BOUNDARY]
    spans = [(0, 0)]
    ends = [0]
    for n, token in enumerate(tokens):
        if token.norm == BOUNDARY:
            stop = tokens[n + 1].start if n + 1 < len(tokens) else length
            if not text or not _SENTENCE_END.isdisjoint(text[token.start : stop]):
                ends.append(len(units))
        for norm in aliases.get(token.norm, (token.norm,)):
            units.append(norm)
            spans.append((token.start, token.end))
    if units[-1] != BOUNDARY:
        units.append(BOUNDARY)
        spans.append((length, length))
    if ends[-1] != len(units) - 1:
        ends.append(len(units) - 1)
    offsets = []
    position = 0
    for unit in units:
        offsets.append(position)
        position += len(unit) + 1
    return Surface(" ".join(units) + " ", offsets, spans, units, frozenset(ends))
