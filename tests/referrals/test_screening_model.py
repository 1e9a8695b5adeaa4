"""The learned layer (`referrals/screening/model.py`): loading, scoring, and its place beside
the rules. No database: the screening engine is pure Python.

Tiny hand-written models show one behaviour each; the shipped weights are checked for what
must hold of any trained file (it loads, it agrees with the rules and sets it was trained
with, the fast scorer equals the reference definition, retraining reproduces it).
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import json
import math
import os
from pathlib import Path

import pytest

from referrals.screening import ModelError, engine, screen
from referrals.screening.model import (
    CONCEPTS_PATH,
    MODEL_PATH,
    Lexicon,
    Settings,
    counts,
    load_concepts,
    load_model,
    occurrences,
    parse_model,
    shipped_model,
)
from referrals.screening.rules import LANGUAGES, RULES_DIR
from referrals.screening.text import tokenize
from tests.referrals.test_screening_metrics import NEWER_SETS, SETS, UNTOUCHED

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
TRAINED_ON = (*SETS, *NEWER_SETS)  # every labelled set but the untouched one


def tiny(weights: dict[str, dict[str, float]] | None = None, **changes) -> dict:
    """A weights file's content: word features only, every label's threshold at 0."""
    labels = ["psychological_distress", "suicide_risk", "financial_hardship", "concern"]
    data = {
        "format": 2,
        "features": {"word_ngrams": [1, 2], "char_ngrams": [0, 0]},
        "labels": labels,
        "intercepts": dict.fromkeys(labels, -1.0),
        "thresholds": dict.fromkeys(labels, 0.0),
        "explained": {"suicide_risk": 5.0},
        "tiers": {
            "psychological_distress": "high",
            "suicide_risk": "crisis",
            "financial_hardship": "high",
        },
        "weights": weights or {},
    }
    data.update(changes)
    return data


def build(weights: dict[str, dict[str, float]], **changes):
    return parse_model(tiny(weights, **changes), Path("tiny.json"))


def scores(learned, text: str) -> dict[str, float]:
    tokens, found = engine.find(text)
    return dict(zip(learned.labels, learned.scores(tokens, found.masked), strict=True))


# Loading


def test_a_missing_weights_file_is_a_clear_error(tmp_path):
    missing = tmp_path / "weights.json"
    with pytest.raises(ModelError, match="cannot read it.*train_screening.py") as error:
        load_model(missing)
    assert str(missing) in str(error.value)


def test_a_weights_file_that_is_not_json_is_a_clear_error(tmp_path):
    broken = tmp_path / "weights.json"
    broken.write_text('{"format": 1, "labels": [', encoding="utf-8")
    with pytest.raises(ModelError, match=r"weights\.json: not JSON"):
        load_model(broken)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"format": 1}, "'format' must be 2"),
        (
            {"features": {"word_ngrams": [1, 2], "char_ngrams": [0, 0], "size_floor": -1}},
            "size_floor",
        ),
        ({"labels": ["sadness"]}, "'labels' must list need codes"),
        ({"thresholds": {"suicide_risk": 0.0}}, "'thresholds' must give a value for each label"),
        ({"intercepts": {"concern": "high"}}, "'intercepts' must give a value"),
        ({"tiers": {"psychological_distress": "none"}}, "'tiers' must give a value for each need"),
        ({"features": {"word_ngrams": [0, 3], "char_ngrams": [0, 0]}}, "word_ngrams"),
        ({"explained": {"suicide_risk": math.inf}}, "'explained' must map needs"),
        ({"weights": {"suicide_risk": {"fardeau": 1.0}}}, "must be a 'w:', 'c:' or 'k:' feature"),
        ({"weights": {"suicide_risk": {"w:fardeau": "1"}}}, "must be a 'w:', 'c:' or 'k:'"),
        (
            {"features": {"word_ngrams": [1, 2], "char_ngrams": [0, 0], "concepts": "yes"}},
            "'features.concepts' must be true or false",
        ),
    ],
)
def test_a_malformed_weights_file_names_the_fault(tmp_path, change, message):
    path = tmp_path / "weights.json"
    path.write_text(json.dumps(tiny(**change)), encoding="utf-8")
    with pytest.raises(ModelError, match=message) as error:
        load_model(path)
    assert str(path) in str(error.value)


@pytest.mark.parametrize(
    "content, message",
    [
        ({"concepts": {}}, "'concepts' must be a non-empty object"),
        ({"concepts": {"Finality": {"why": "x", "en": ["last"]}}}, "lower-case letters"),
        ({"concepts": {"finality": {"en": ["last"]}}}, "must be an object with a 'why'"),
        ({"concepts": {"finality": {"why": "x", "de": ["letzte"]}}}, "'de' must be one of"),
        ({"concepts": {"finality": {"why": "x", "fr": ["dernière"]}}}, "must be normalised"),
        ({"concepts": {"finality": {"why": "x", "en": ["* time"]}}}, "'\\*' not first"),
        ({"concepts": {"finality": {"why": "x", "en": ["last  time"]}}}, "one space apart"),
    ],
)
def test_a_malformed_concepts_file_names_the_fault(tmp_path, content, message):
    path = tmp_path / "concepts.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(ModelError, match=message) as error:
        load_concepts(path)
    assert str(path) in str(error.value)


def test_the_shipped_weights_load():
    learned = load_model(MODEL_PATH)
    assert learned.labels[learned.gate] == "concern"
    assert learned.tiers[learned.labels.index("suicide_risk")] == "crisis"
    assert len(learned.weights) > 1000


# Scoring


def test_a_feature_present_raises_its_labels_score():
    learned = build({"suicide_risk": {"w:fardeau": 3.0}})
    plain = scores(learned, "Je suis fatiguée ce soir.")
    burden = scores(learned, "Je suis un fardeau ce soir.")
    assert burden["suicide_risk"] > plain["suicide_risk"]
    assert burden["financial_hardship"] == plain["financial_hardship"]


def test_a_score_is_scaled_by_the_texts_number_of_features():
    learned = build({"suicide_risk": {"w:fardeau": 4.0}})
    # "fardeau" alone: one feature; with two more words, 3 + 2 word-pairs = 5 features.
    assert scores(learned, "fardeau")["suicide_risk"] == pytest.approx(-1 + 4.0)
    assert scores(learned, "un gros fardeau")["suicide_risk"] == pytest.approx(
        -1 + 4.0 / math.sqrt(5)
    )


def test_word_ngrams_stay_within_a_clause_and_letters_within_a_word():
    found = occurrences(tokenize("Un fardeau. Trop lourd"))
    assert "w:un fardeau" in found and "w:trop lourd" in found
    assert "w:fardeau trop" not in found
    assert "c:ardea" in found and "c:u tro" not in found


def found_concepts(lexicon: Lexicon, text: str) -> set[str]:
    return {
        key.removeprefix("k:")
        for key in occurrences(tokenize(text), settings=Settings(concepts=True), lexicon=lexicon)
        if key.startswith("k:")
    }


def test_a_concept_is_found_by_any_of_its_entries_in_any_language():
    lexicon = Lexicon({"finality": ["one way", "aller simple", "enkel* heen"], "means": ["rope"]})
    assert found_concepts(lexicon, "A one-way ticket, please.") == {"finality"}
    assert found_concepts(lexicon, "C'est un aller-simple.") == {"finality"}
    assert found_concepts(lexicon, "Enkele keer heen en weer.") == set()
    assert found_concepts(lexicon, "Enkel heen, en een touw: rope.") == {"finality", "means"}


def test_a_concept_entry_matches_words_in_a_row_within_a_clause():
    lexicon = Lexicon({"finality": ["no need to * back", "last time"]})
    assert found_concepts(lexicon, "No need to drive back.") == {"finality"}
    assert found_concepts(lexicon, "No need to drive me back.") == set()
    assert found_concepts(lexicon, "It was the last. Time flies.") == set()


def test_a_concept_raises_a_score_like_any_feature_and_is_shown_as_evidence():
    weights = {"suicide_risk": {"k:finality": 9.0}}
    learned = build(
        weights, features={"word_ngrams": [1, 2], "char_ngrams": [0, 0], "concepts": True}
    )
    assert learned.lexicon is not None
    text = "Pourriez-vous me conduire à la gare ? C'est un aller simple."
    assert engine.screen_with(None, text, "fr").tier == "none"
    result = engine.screen_with(learned, text, "fr")
    assert result.tier == "crisis"
    assert [e.text for e in result.evidence if e.rule == "model.suicide_risk"] == ["aller simple"]
    without = build(weights)  # the same weights, concepts off: the feature never occurs
    assert engine.screen_with(without, text, "fr").tier == "none"


def test_a_concept_in_a_clause_holding_an_idiom_is_not_read():
    learned = build(
        {"suicide_risk": {"k:dying": 9.0}},
        features={"word_ngrams": [1, 2], "char_ngrams": [0, 0], "concepts": True},
    )
    assert engine.screen_with(None, "Il est mort hier.", "fr").tier == "none"
    assert engine.screen_with(learned, "Il est mort hier.", "fr").tier == "crisis"
    assert engine.screen_with(learned, "J'étais morte de rire hier.", "fr").tier == "none"


def test_the_fast_scorer_is_the_reference_definition_on_every_labelled_text():
    learned = shipped_model()
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            tokens, found = engine.find(row["text"], row.get("lang"))
            fast = learned.scores(tokens, found.masked)
            reference = learned.score_counts(counts(tokens, found.masked, learned.settings))
            assert fast == pytest.approx(reference, abs=1e-9), row["id"]


# Beside the rules


def test_the_model_adds_a_need_the_rules_missed_and_says_which_words_weighed():
    # A made-up association, so that no rule knows it: the model alone can add this need.
    learned = build(
        {"financial_hardship": {"w:parapluie": 9.0}, "concern": {"w:parapluie": 9.0}},
    )
    text = "Mon parapluie est cassé."
    assert engine.screen_with(None, text, "fr").tier == "none"
    result = engine.screen_with(learned, text, "fr")
    assert result.needs == ("financial_hardship",) and result.tier == "high"
    assert result.orientation[0] == "cpas"
    [evidence] = result.evidence
    assert evidence.rule == "model.financial_hardship" and evidence.text == "parapluie"
    assert text[evidence.start : evidence.end] == evidence.text


def test_with_the_gate_shut_the_model_adds_nothing_where_the_rules_are_silent():
    learned = build({"financial_hardship": {"w:parapluie": 9.0}})  # no weight for concern
    assert engine.screen_with(learned, "Mon parapluie est cassé.", "fr").tier == "none"


def test_the_crisis_detector_stands_on_its_own_threshold_whatever_the_rules_read():
    weights = {"suicide_risk": {"w:trop": 9.0}}  # no weight for the gate: it stays shut
    distress = "Je n'en peux plus, c'est trop."
    assert engine.screen_with(None, distress, "fr").tier != "crisis"
    assert engine.screen_with(build(weights), distress, "fr").tier == "crisis"
    silent = "Il y a trop de feuilles."
    assert engine.screen_with(None, silent, "fr").tier == "none"
    assert engine.screen_with(build(weights), silent, "fr").tier == "crisis"
    wary = build(weights, thresholds={**tiny()["thresholds"], "suicide_risk": 9.0})
    assert engine.screen_with(wary, silent, "fr").tier == "none"


def test_where_the_rules_explained_words_away_a_crisis_needs_the_higher_threshold():
    weights = {"suicide_risk": {"w:jardin": 9.0}}
    denial = "Je ne pense pas au suicide. J'ai besoin d'aide pour le jardin."
    assert engine.screen_with(build(weights), denial, "fr").tier != "crisis"
    lenient = build(weights, explained={"suicide_risk": 0.0})
    assert engine.screen_with(lenient, denial, "fr").tier == "crisis"
    plain = "J'ai besoin d'aide pour le jardin."
    assert engine.screen_with(build(weights), plain, "fr").tier == "crisis"


def test_a_clause_holding_an_idiom_is_not_read_at_all():
    learned = build({"suicide_risk": {"w:veux": 9.0}})
    assert engine.screen_with(learned, "Je veux ce lierre.", "fr").tier == "crisis"
    idiom = "Je veux en finir une fois pour toutes avec ce lierre."
    assert engine.screen_with(learned, idiom, "fr").tier == "none"


def test_the_model_never_reads_the_words_of_an_idiom_or_a_denial():
    learned = build(
        {
            "suicide_risk": {"w:mort": 9.0, "w:suicide": 9.0},
            "concern": {"w:mort": 9.0, "w:suicide": 9.0},
        },
        explained={"suicide_risk": 0.0},
    )
    assert engine.screen_with(learned, "Il est mort hier.", "fr").tier == "crisis"
    assert engine.screen_with(learned, "J'étais morte de rire hier soir.", "fr").tier == "none"
    denial = engine.screen_with(learned, "Je ne pense pas au suicide.", "fr")
    assert denial.tier == "none" and all(e.rule == "fr.denial.1" for e in denial.evidence)


def test_a_need_the_model_adds_never_leads_over_the_rules_own():
    learned = build(
        {"psychological_distress": {"w:longues": 9.0}, "concern": {"w:longues": 9.0}},
    )
    text = "Depuis le décès de mon mari je ne vois plus personne, les journées sont longues."
    result = engine.screen_with(learned, text, "fr")
    assert {"isolation", "psychological_distress"} <= set(result.needs)
    assert result.orientation[0] == "befriending"


def test_the_shipped_model_catches_a_phrasing_no_rule_has():
    """A passive wish in words of no labelled set. Should a rule come to catch it, pick another
    phrasing that only the model catches: this test is about the model."""
    text = "Soms denk ik dat het voor iedereen beter is als ik er gewoon niet meer ben."
    assert engine.screen_with(None, text, "nl").tier != "crisis"
    result = screen(text, "nl")
    assert result.tier == "crisis" and result.orientation[0] == "crisis_line"
    assert any(e.rule == "model.suicide_risk" for e in result.evidence)
    assert all(text[e.start : e.end] == e.text for e in result.evidence)


# The shipped file


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_shipped_weights_were_trained_with_the_current_rules_and_sets():
    """The rules mask idioms and denials before the model reads a text, and the concepts file
    says what its `k:` features mean: either changed since training means the model reads texts
    differently from how it learned them."""
    shipped = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    retrain = "retrain: .venv/bin/python tools/train_screening.py"
    assert shipped["rules"] == {
        name: sha256(RULES_DIR / f"{name}.json") for name in ("common", *LANGUAGES)
    }, f"a rule file changed since the model was trained; {retrain}"
    assert shipped["concepts"] == sha256(CONCEPTS_PATH), f"the concepts changed; {retrain}"
    assert shipped["trained_on"] == {name: sha256(DATA / f"{name}.jsonl") for name in TRAINED_ON}
    assert not set(UNTOUCHED) & set(shipped["trained_on"])


def test_retraining_from_the_same_data_gives_the_same_weights_file():
    if importlib.util.find_spec("sklearn") is None:
        pytest.skip("scikit-learn is not installed (pip install -e '.[screening-model]')")
    import sklearn

    shipped = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    if sklearn.__version__ != shipped["scikit_learn"]:
        pytest.skip(
            f"trained with scikit-learn {shipped['scikit_learn']}, not {sklearn.__version__}"
        )
    spec = importlib.util.spec_from_file_location(
        "train_screening", ROOT / "tools" / "train_screening.py"
    )
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    # Choosing the thresholds out of fold takes twelve more fits (minutes): `make fuzz`, the
    # long run, does it all; here the shipped thresholds are kept and everything else retrained.
    everything = os.environ.get("SCREENING_RETRAIN") == "all"
    retrained = json.loads(tool.dump(tool.train(thresholds_of=None if everything else shipped)))
    assert retrained == shipped


def test_parse_model_does_not_keep_a_reference_to_its_input():
    data = tiny({"suicide_risk": {"w:fardeau": 1.0}})
    learned = parse_model(copy.deepcopy(data), Path("tiny.json"))
    data["weights"]["suicide_risk"]["w:fardeau"] = 9.0
    assert learned.weights["w:fardeau"] == (0.0, 1.0, 0.0, 0.0)
