"""What the rules use to generalise beyond the sentences they were written from.

Word classes (`@name`) name a phenomenon once (means, trades, everyday nuisances) for every rule
that needs it; `&&` patterns find their words anywhere in one sentence, across commas; a
bereavement is context, not a flag. Each test is one behaviour, on texts of no labelled set.
"""

from __future__ import annotations

import pytest

from referrals.screening import screen
from referrals.screening.engine import _matches
from referrals.screening.patterns import compile_pattern
from referrals.screening.rules import RULES_DIR, load_pack
from referrals.screening.text import surface, tokenize

CLASSES = {"pills": ("pills", "sleeping_tablets", "somnifere*")}


def matches(pattern: str, text: str) -> bool:
    compiled = compile_pattern(pattern, CLASSES)
    return bool(list(_matches(compiled, surface(tokenize(text), {}, len(text), text))))


@pytest.mark.parametrize(
    "pattern, text, expected",
    [
        ("hoarding @pills", "I am hoarding sleeping tablets", True),
        ("hoarding @pills", "I am hoarding somniferes", True),
        ("hoarding @pills", "I am hoarding tablets", False),
        ("hoarding cash|@pills", "hoarding cash", True),
        ("&& @pills kept in_case", "I kept my pills, just in case.", True),
        ("&& @pills kept in_case", "I kept my pills. In case you wonder, all is fine.", False),
        ("& @pills kept in_case", "I kept my pills, just in case.", False),
    ],
)
def test_word_classes_and_sentence_scope(pattern, text, expected):
    assert matches(pattern, text) is expected


def test_an_unknown_word_class_is_refused():
    with pytest.raises(ValueError, match="unknown word class"):
        compile_pattern("hoarding @means", CLASSES)


def test_a_rule_file_with_an_unknown_class_fails_loudly(tmp_path):
    broken = tmp_path / "en.json"
    source = (RULES_DIR / "en.json").read_text(encoding="utf-8")
    assert "&& @pills" in source
    broken.write_text(source.replace("&& @pills", "&& @no_such_class", 1), encoding="utf-8")
    with pytest.raises(ValueError, match="no_such_class"):
        load_pack("en", broken)


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Ma femme est décédée il y a trois ans, je voudrais vendre son piano.", "fr"),
        (
            "Mijn vader is overleden en ik wil zijn garage leegmaken, wie heeft een aanhangwagen?",
            "nl",
        ),
        ("My wife passed away last spring; could someone help me sell her sewing machine?", "en"),
    ],
)
def test_a_bereavement_alone_is_no_flag(text, lang):
    result = screen(text, lang=lang)
    assert result.tier == "none" and result.needs == ()


def test_a_bereavement_with_isolation_is_low_mood_and_goes_to_befriending():
    result = screen("Depuis la mort de ma femme, personne ne vient jamais me voir.", "fr")
    assert result.tier == "moderate"
    assert set(result.needs) == {"isolation", "psychological_distress"}
    assert result.orientation[0] == "befriending"


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Je garde mes somnifères dans un tiroir, au cas où je ne tiendrais plus.", "fr"),
        ("Ik heb mijn slaappillen verzameld voor als het niet meer gaat.", "nl"),
        ("I've been stashing painkillers in a shoebox.", "en"),
        ("Some mornings I pray I won't wake up tomorrow.", "en"),
        ("Elle espère ne pas se réveiller demain matin.", "fr"),
        ("Ik hoop soms dat mijn hart gewoon stopt.", "nl"),
        ("He said he keeps thinking about crashing into a tree on the motorway.", "en"),
    ],
)
def test_means_and_passive_wishes_are_crises_however_phrased(text, lang):
    assert screen(text, lang=lang).tier == "crisis"


@pytest.mark.parametrize(
    "text, lang",
    [
        ("J'en ai marre de cette tondeuse qui ne démarre pas, un voisin bricoleur ?", "fr"),
        ("Je veux en finir une fois pour toutes avec ce lierre sur le mur.", "fr"),
        ("Ik word gek van die wespen onder het dak, wie helpt?", "nl"),
        ("I'm fed up with the weeds in the driveway, anyone keen on a few hours' work?", "en"),
        ("I keep my tablets in the kitchen cupboard; could someone fix its door?", "en"),
    ],
)
def test_frustration_with_everyday_things_is_no_flag(text, lang):
    assert screen(text, lang=lang).tier in ("none", "low")


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Je suis couvreur, les chantiers sont annulés et je ne dors plus.", "fr"),
        ("Ik ben bloemist en mijn winkeltje gaat over kop, ik slaap niet meer.", "nl"),
        ("I'm a locksmith and since my van was stolen I've lost everything, I can't sleep.", "en"),
    ],
)
def test_a_trade_named_in_passing_reaches_the_sentinel_programme(text, lang):
    result = screen(text, lang=lang)
    assert "selfemployed_distress" in result.needs
    assert result.orientation[0] == "sentinel_programme"
