"""The learned layer beside the rules: one linear scorer per need, read from plain data.

Phrase rules catch the phrasings they were written from; a new text saying the same thing in
other words often slips through them. This layer scores every text with one linear model per
need (`suicide_risk` is the crisis detector: every crisis in the labelled sets, and only
they, carries it), plus a gate (`concern`: does the text show any concern at all), over three
kinds of features of the normalised surface tokens (`text.py`):

    w:<one to three words>   word n-grams within one clause ("w:ne veux plus"), 1 if present
    c:<four to six letters>  letter n-grams inside a word, padded with a space at each end
                             ("c: suic", "c:uicid"), once per distinct word holding them:
                             they carry "suicid-", "zelfmoord-", "épuis-" across spellings,
                             endings and the three languages
    k:<concept>              a concept of `model/concepts.json` ("k:finality": "one last time",
                             "aller simple", "enkel heen"...), 1 if any of its entries occurs:
                             one feature for a phenomenon in all three languages

A label's score is its intercept plus the weighted feature values, divided by the square root
of the text's total feature count (known to the model or not), so that length alone does not
raise a score. Where a need's score reaches its threshold and the rules did not already signal
that need, the engine adds it (`engine.py`, `_learn`); its evidence names the words whose
features weighed most: `{"rule": "model.suicide_risk", "text": ...}`.

Rules keep priority over the model for idioms and denials: the words of an idiom ("mort de
rire", "my phone died") and of a denied signal ("je ne suis pas déprimé") are masked before
the model reads the text, so it cannot flag what the rules have explained away.

The weights are trained offline by `tools/train_screening.py` (scikit-learn, a build-only
dependency) and exported to `model/weights.json`; this module reads them with the standard
library only, so screening needs neither scikit-learn nor NumPy. A missing or malformed weights
file is a `ModelError` naming the file and the problem, raised at import like a rule file error.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from referrals.screening.result import NEEDS, TIER_RANK
from referrals.screening.rules import LANGUAGES
from referrals.screening.text import BOUNDARY, Token

MODEL_PATH = Path(__file__).resolve().parent / "model" / "weights.json"
CONCEPTS_PATH = MODEL_PATH.with_name("concepts.json")
FORMAT = 2
# The gate: not a need, but whether a text shows any concern at all (a tier of moderate or
# above). Where the rules are silent, the model adds a need only if the gate opens too.
CONCERN = "concern"

# Words whose letter n-grams a model keeps summed: bounded like the folding cache (text.py)
# so that a stream of unusual words cannot grow it without limit.
_GRAMS_LIMIT = 50_000


class ModelError(ValueError):
    """The weights file is missing or malformed: the message names the file and the fault."""


@dataclass(frozen=True)
class Settings:
    """How texts become features; written into the weights file so training and screening
    cannot disagree."""

    word_ngrams: tuple[int, int] = (1, 3)
    char_ngrams: tuple[int, int] = (4, 6)
    # A text with fewer features is scored as if it had this many (the missing ones weighing
    # nothing): a few words ("just mow my lawn please", what a denial or an idiom leaves of a
    # sentence) say too little to move a score far from the intercept.
    size_floor: int = 0
    # Whether a text also gets a `k:<concept>` feature for each concept of `concepts.json` it
    # holds (`Lexicon`).
    concepts: bool = False


# One entry of a concept: its pieces (a word, "stem*", or "*" for any one word) and the concept.
_Entry = tuple[tuple[str, ...], str]


class Lexicon:
    """The concept word lists of `concepts.json`, indexed by the word an entry starts with.

    A text holds a concept where one of its entries matches words in a row within a clause.
    The entries that can start at a word are looked up once per word and process (bounded like
    the letter n-grams), so finding a text's concepts costs a dictionary look-up per word."""

    def __init__(self, concepts: dict[str, list[str]]):
        self._exact: dict[str, list[_Entry]] = {}
        self._stems: list[tuple[str, _Entry]] = []
        for name, entries in concepts.items():
            for entry in entries:
                pieces = tuple(entry.split())
                first = pieces[0]
                if first.endswith("*"):
                    self._stems.append((first[:-1], (pieces, name)))
                else:
                    self._exact.setdefault(first, []).append((pieces, name))
        # Per word: the concepts of its one-word entries, and its longer entries.
        self._starts: dict[str, tuple[tuple[str, ...], tuple[_Entry, ...]]] = {}

    def _starting(self, word: str) -> tuple[tuple[str, ...], tuple[_Entry, ...]]:
        stems = (entry for stem, entry in self._stems if word.startswith(stem))
        entries = (*self._exact.get(word, ()), *stems)
        known = (
            tuple(name for pieces, name in entries if len(pieces) == 1),
            tuple(entry for entry in entries if len(entry[0]) > 1),
        )
        if len(self._starts) >= _GRAMS_LIMIT:
            self._starts.clear()
        self._starts[word] = known
        return known

    def find(self, norms: list[str]) -> Iterator[tuple[str, int, int]]:
        """Each match in one clause's words: (concept, first word, last word)."""
        starts = self._starts
        for i, word in enumerate(norms):
            known = starts.get(word)
            if known is None:
                known = self._starting(word)
            singles, longer = known
            for name in singles:
                yield name, i, i
            for pieces, name in longer:
                last = i + len(pieces) - 1
                # The second word decides most entries: checked before building the rest.
                if (
                    last < len(norms)
                    and _fits(pieces[1], norms[i + 1])
                    and all(_fits(piece, norms[i + k]) for k, piece in enumerate(pieces[2:], 2))
                ):
                    yield name, i, last


def _fits(piece: str, word: str) -> bool:
    if piece == "*":
        return True
    if piece.endswith("*"):
        return word.startswith(piece[:-1])
    return piece == word


def parse_concepts(data: Any, where: Path) -> Lexicon:
    """Validate `concepts.json`: each concept a `why` and entries per language, each entry
    normalised words (lower case, unaccented, no punctuation), "stem*" or "*"; "*" never first."""
    _require(isinstance(data, dict), where, "not a JSON object")
    table = data.get("concepts")
    _require(isinstance(table, dict) and table, where, "'concepts' must be a non-empty object")
    concepts = {}
    for name, concept in table.items():
        _require(
            isinstance(name, str) and re.fullmatch(r"[a-z_]+", name) is not None,
            where,
            f"concept name {name!r} must be lower-case letters and underscores",
        )
        _require(
            isinstance(concept, dict) and isinstance(concept.get("why"), str),
            where,
            f"concept {name!r} must be an object with a 'why'",
        )
        entries = []
        for lang, words in concept.items():
            if lang == "why":
                continue
            _require(
                lang in LANGUAGES and isinstance(words, list),
                where,
                f"concept {name!r}: {lang!r} must be one of {LANGUAGES} with a list of entries",
            )
            for entry in words:
                _require(
                    isinstance(entry, str) and _ENTRY.fullmatch(entry) is not None,
                    where,
                    f"concept {name!r}: entry {entry!r} must be normalised words (a-z, 0-9), "
                    "'word*' or '*', one space apart, '*' not first",
                )
                entries.append(entry)
        concepts[name] = entries
    return Lexicon(concepts)


_WORD = r"[a-z0-9]+\*?"
_ENTRY = re.compile(rf"{_WORD}(?: (?:{_WORD}|\*))*")


def load_concepts(path: Path | None = None) -> Lexicon:
    """Read and validate a concepts file (by default the shipped `model/concepts.json`)."""
    where = path or CONCEPTS_PATH
    return parse_concepts(_read_json(where), where)


@dataclass(frozen=True)
class Score:
    """One label's verdict on one text."""

    label: str
    score: float
    threshold: float

    @property
    def fires(self) -> bool:
        return self.score >= self.threshold


@dataclass(frozen=True)
class Model:
    """Linear scorers, one per label, over the features of `Settings`."""

    labels: tuple[str, ...]
    intercepts: tuple[float, ...]
    thresholds: tuple[float, ...]
    # The crisis detector's threshold in a text where the rules explained words away (an
    # idiom, a denial): the person said what their words do not mean (infinite: never).
    explained: tuple[float, ...]
    # The tier a need added by the model takes (None for the gate).
    tiers: tuple[str | None, ...]
    settings: Settings
    # feature -> its weight for each label, in the order of `labels`: one dictionary look-up
    # per feature of a text, and one vector addition.
    weights: dict[str, tuple[float, ...]]
    # word -> (its number of letter n-grams, their summed weights per label or None, the sums
    # of their positive weights per label or None): most words repeat across texts, so a
    # word's letter n-grams are looked up once per process.
    _words: dict[str, _Word] = field(default_factory=dict, compare=False, repr=False)

    @property
    def lexicon(self) -> Lexicon | None:
        """The concept word lists the model reads, if `settings.concepts`."""
        return shipped_concepts() if self.settings.concepts else None

    @property
    def gate(self) -> int | None:
        """The index of the gate label, if the model has one."""
        return self.labels.index(CONCERN) if CONCERN in self.labels else None

    def _word(self, word: str) -> _Word:
        known = self._words.get(word)
        if known is None:
            low, high = self.settings.char_ngrams
            grams = _char_grams(word, low, high)
            vectors = [vector for vector in map(self.weights.get, grams) if vector is not None]
            sums = _column_sums(vectors) if vectors else None
            pushes = _positive_sums(vectors)
            known = (len(grams), sums, pushes)
            if len(self._words) >= _GRAMS_LIMIT:
                self._words.clear()
            self._words[word] = known
        return known

    def scores(self, tokens: list[Token], masked: Iterable[tuple[int, int]] = ()) -> list[float]:
        """Every label's score for a text: the same as `score_counts(counts(...))`, faster."""
        get = self.weights.get
        low, high = self.settings.word_ngrams
        lexicon = self.lexicon
        grams: set[str] = set()
        words: set[str] = set()
        for run in _clauses(tokens, masked):
            norms = [t.norm for t in run]
            for n in range(low, high + 1):
                # Every n words in a row: the run zipped with its copies shifted by 1 to n - 1
                # (the shorter copies end it).
                shifted = (norms[k:] for k in range(n))
                grams.update("w:" + " ".join(gram) for gram in zip(*shifted, strict=False))
            words.update(norms)
            if lexicon is not None:
                grams.update("k:" + name for name, _, _ in lexicon.find(norms))
        vectors = [vector for vector in map(get, grams) if vector is not None]
        size = len(grams)
        if self.settings.char_ngrams[1]:
            for word in words:
                count, vector, _ = self._word(word)
                size += count
                if vector is not None:
                    vectors.append(vector)
        sums = _column_sums(vectors) if vectors else (0.0,) * len(self.labels)
        return self._finish(sums, size)

    def score_counts(self, values: dict[str, int]) -> list[float]:
        """Every label's score for a text with these feature values (`counts`): the reference
        definition, as in training."""
        sums = [0.0] * len(self.labels)
        for feature, value in values.items():
            for index, weight in enumerate(self.weights.get(feature, ())):
                sums[index] += weight * value
        return self._finish(sums, sum(values.values()))

    def _finish(self, sums: Sequence[float], size: int) -> list[float]:
        """Intercept plus the sum of weights over the square root of the text's number of
        features (at least `size_floor`), so that length alone does not raise a score."""
        size = max(size, self.settings.size_floor)
        scale = 1 / math.sqrt(size) if size else 0.0
        return [b + s * scale for b, s in zip(self.intercepts, sums, strict=True)]

    def verdicts(self, tokens: list[Token], masked: Iterable[tuple[int, int]] = ()) -> list[Score]:
        return [
            Score(label, score, threshold)
            for label, score, threshold in zip(
                self.labels, self.scores(tokens, masked), self.thresholds, strict=True
            )
        ]

    def pushes(
        self, labels: list[str], tokens: list[Token], masked: Iterable[tuple[int, int]] = ()
    ) -> dict[str, dict[tuple[int, int], float]]:
        """Where in the text each of `labels`' scores was pushed up: for every span carrying
        weight, the positive weights of its features summed. The spans are those of
        `occurrences` (a word n-gram at its first occurrence, a word's letter n-grams at the
        word's first occurrence), read without building every feature with its places."""
        wanted = [(label, self.labels.index(label), {}) for label in labels]
        letters = bool(self.settings.char_ngrams[1])
        places = _first_places(tokens, masked, self.settings.word_ngrams, self.lexicon)
        for key, span in places:
            if key.startswith(("w:", "k:")):
                vector = self.weights.get(key)
            else:  # a word: its letter n-grams' positive weights, summed once per process
                vector = self._word(key)[2] if letters else None
            if vector is not None:
                for _, index, found in wanted:
                    if vector[index] > 0:
                        found[span] = found.get(span, 0.0) + vector[index]
        return {label: found for label, _, found in wanted}


_Word = tuple[int, tuple[float, ...] | None, tuple[float, ...] | None]


def _positive(vector: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(w if w > 0 else 0.0 for w in vector)


def _positive_sums(vectors: list[tuple[float, ...]]) -> tuple[float, ...] | None:
    return _column_sums([_positive(v) for v in vectors]) if vectors else None


def _column_sums(vectors: list[tuple[float, ...]]) -> tuple[float, ...]:
    """Weight vectors (one per feature, one weight per label) summed label by label, in C
    rather than one vector addition per feature."""
    return tuple(map(sum, zip(*vectors, strict=True)))


def _char_grams(word: str, low: int, high: int) -> tuple[str, ...]:
    padded = f" {word} "
    return tuple(
        "c:" + padded[i : i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1)
    )


def _clauses(tokens: list[Token], masked: Iterable[tuple[int, int]]) -> Iterator[list[Token]]:
    """Runs of word tokens between boundaries (the clauses). A clause holding a masked word (an
    idiom's, a denial's) is left out whole: what remains of "je veux en finir avec ce lierre"
    or "I have no thoughts of harming myself" once the idiom or the denial is taken out ("je
    veux", "I have") would be read out of the context that explained it."""
    spans = sorted(masked)
    run: list[Token] = []
    hidden = False
    for token in tokens:
        if token.norm == BOUNDARY:
            if run and not hidden:
                yield run
            run, hidden = [], False
        else:
            run.append(token)
            if spans and not hidden:
                hidden = any(a < token.end and token.start < b for a, b in spans)
    if run and not hidden:
        yield run


def _first_places(
    tokens: list[Token],
    masked: Iterable[tuple[int, int]],
    word_ngrams: tuple[int, int],
    lexicon: Lexicon | None = None,
) -> Iterator[tuple[str, tuple[int, int]]]:
    """Each distinct word n-gram ("w:..."), concept ("k:...") and word (as it is, no prefix:
    words hold no ":") at its first occurrence, with its span, clause by clause in text order."""
    low, high = word_ngrams
    seen: set[str] = set()
    for run in _clauses(tokens, masked):
        norms = [t.norm for t in run]
        for name, first, last in lexicon.find(norms) if lexicon is not None else ():
            key = "k:" + name
            if key not in seen:
                seen.add(key)
                yield key, (run[first].start, run[last].end)
        for i, token in enumerate(run):
            for n in range(low, min(high, len(run) - i) + 1):
                gram = "w:" + " ".join(norms[i : i + n])
                if gram not in seen:
                    seen.add(gram)
                    yield gram, (token.start, run[i + n - 1].end)
            if token.norm not in seen:
                seen.add(token.norm)
                yield token.norm, (token.start, token.end)


def occurrences(
    tokens: list[Token],
    masked: Iterable[tuple[int, int]] = (),
    settings: Settings | None = None,
    lexicon: Lexicon | None = None,
) -> dict[str, list[tuple[int, int]]]:
    """Every feature of a text with the spans it counts at: a word n-gram or a concept once (its
    first occurrence), a letter n-gram once for each distinct word holding it (at that word's
    first occurrence, as often as the word holds it). Concepts are those of `lexicon` (by default
    the shipped ones) if `settings.concepts`."""
    settings = settings or Settings()
    low, high = settings.char_ngrams
    lexicon = (lexicon or shipped_concepts()) if settings.concepts else None
    found: dict[str, list[tuple[int, int]]] = {}
    for key, span in _first_places(tokens, masked, settings.word_ngrams, lexicon):
        if key.startswith(("w:", "k:")):
            found[key] = [span]
        elif high:
            for gram in _char_grams(key, low, high):
                found.setdefault(gram, []).append(span)
    return found


def counts(
    tokens: list[Token], masked: Iterable[tuple[int, int]] = (), settings: Settings | None = None
) -> dict[str, int]:
    """The feature values of a text, as the model is trained on them: 1 for a word n-gram or a
    concept present, and for a letter n-gram the number of times the text's distinct words hold
    it."""
    return {feature: len(spans) for feature, spans in occurrences(tokens, masked, settings).items()}


def explain(pushes: dict[tuple[int, int], float], top: int = 3) -> list[tuple[int, int]]:
    """The spans of the text whose features pushed a label's score up the most, at most `top`,
    in text order. Overlapping spans are merged first, so a word and the phrase around it are
    weighed together; a span weighing less than half the heaviest one is left out. `pushes` is
    the text's `Model.pushes` for that label."""
    merged: list[list[Any]] = []
    for (start, end), weight in sorted(pushes.items()):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2] += weight
        else:
            merged.append([start, end, weight])
    best = sorted(merged, key=lambda m: -m[2])[:top]
    # Only spans that weigh at least half as much as the heaviest: not every small push.
    return sorted((start, end) for start, end, weight in best if weight >= best[0][2] / 2)


def _require(condition: bool, where: Path, message: str) -> None:
    if not condition:
        raise ModelError(f"screening model {where}: {message}")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _pair(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        and 0 <= value[0] <= value[1]
    )


def parse_model(data: Any, where: Path) -> Model:
    """Validate the weights file's content and index it for scoring."""
    _require(isinstance(data, dict), where, "not a JSON object")
    _require(data.get("format") == FORMAT, where, f"'format' must be {FORMAT}")
    raw_settings = data.get("features")
    _require(isinstance(raw_settings, dict), where, "'features' must be an object")
    word, char = raw_settings.get("word_ngrams"), raw_settings.get("char_ngrams")
    _require(_pair(word) and word[0] >= 1, where, "'features.word_ngrams' must be [low, high]")
    _require(_pair(char), where, "'features.char_ngrams' must be [low, high] (0, 0: none)")
    floor = raw_settings.get("size_floor", 0)
    with_concepts = raw_settings.get("concepts", False)
    _require(isinstance(with_concepts, bool), where, "'features.concepts' must be true or false")
    if with_concepts:
        shipped_concepts()  # read and validated with the weights: a broken file stops the import
    _require(
        isinstance(floor, int) and not isinstance(floor, bool) and floor >= 0,
        where,
        "'features.size_floor' must be a whole number, 0 or more",
    )
    labels = data.get("labels")
    _require(
        isinstance(labels, list)
        and labels
        and all(label in NEEDS or label == CONCERN for label in labels),
        where,
        f"'labels' must list need codes of {NEEDS} (and {CONCERN!r}, the gate)",
    )
    _require(len(set(labels)) == len(labels), where, "'labels' has a duplicate")
    needs = [label for label in labels if label != CONCERN]
    columns = {}
    for name, keys in (("intercepts", labels), ("thresholds", labels), ("tiers", needs)):
        table = data.get(name)
        _require(
            isinstance(table, dict) and set(table) == set(keys),
            where,
            f"'{name}' must give a value for each " + ("need" if name == "tiers" else "label"),
        )
        columns[name] = tuple(table.get(label) for label in labels)
    for name in ("intercepts", "thresholds"):
        _require(all(map(_number, columns[name])), where, f"'{name}' must be finite numbers")
    explained = data.get("explained", {})
    _require(
        isinstance(explained, dict)
        and set(explained) <= set(needs)
        and all(map(_number, explained.values())),
        where,
        "'explained' must map needs to finite numbers",
    )
    _require(
        all(t in TIER_RANK and t != "none" for t in columns["tiers"] if t is not None),
        where,
        "'tiers' must be tiers above none",
    )
    raw_weights = data.get("weights")
    _require(
        isinstance(raw_weights, dict) and set(raw_weights) <= set(labels),
        where,
        "'weights' must map labels to {feature: weight}",
    )
    by_feature: dict[str, list[float]] = {}
    for index, label in enumerate(labels):
        table = raw_weights.get(label, {})
        _require(isinstance(table, dict), where, f"'weights.{label}' must be an object")
        for feature, weight in table.items():
            _require(
                isinstance(feature, str) and feature[:2] in ("w:", "c:", "k:") and _number(weight),
                where,
                f"'weights.{label}': {feature!r} must be a 'w:', 'c:' or 'k:' feature with a "
                "number",
            )
            by_feature.setdefault(feature, [0.0] * len(labels))[index] = float(weight)
    return Model(
        labels=tuple(labels),
        intercepts=tuple(float(v) for v in columns["intercepts"]),
        thresholds=tuple(float(v) for v in columns["thresholds"]),
        explained=tuple(float(explained.get(label, math.inf)) for label in labels),
        tiers=columns["tiers"],
        settings=Settings(
            word_ngrams=tuple(word),
            char_ngrams=tuple(char),
            size_floor=floor,
            concepts=with_concepts,
        ),
        weights={feature: tuple(vector) for feature, vector in by_feature.items()},
    )


def load_model(path: Path | None = None) -> Model:
    """Read and validate a weights file (by default the shipped `model/weights.json`)."""
    where = path or MODEL_PATH
    return parse_model(_read_json(where, "train it with `python tools/train_screening.py`"), where)


def _read_json(where: Path, hint: str = "restore it from the repository") -> Any:
    try:
        text = where.read_text(encoding="utf-8")
    except OSError as error:
        raise ModelError(
            f"screening model {where}: cannot read it ({error.strerror or error}); {hint}"
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ModelError(f"screening model {where}: not JSON ({error})") from None
    return data


@cache
def shipped_concepts() -> Lexicon:
    """The shipped concept word lists, read once per process."""
    return load_concepts()


@cache
def shipped_model() -> Model:
    """The shipped model, read once per process."""
    return load_model()
