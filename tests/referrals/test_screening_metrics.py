"""The screening engine against SCREENING.md's targets, on every labelled set we have.

- devset.jsonl: a copy of ../shared/referrals/devset.jsonl (the issue's 79 examples).
- heldout.jsonl: 180 texts written and labelled before the engine existed.
- probe*.jsonl: texts written and labelled blind after successive versions of the engine,
  each run once before any rule was changed for it (see data/README.md for those scores).
- blind_a.jsonl: 160 texts written blind before the word-class rules; the rules were then
  broadened by phenomenon with it, so it is now a regression set like the probes.
- blind_b.jsonl: 160 texts written with blind_a, never used to change a rule nor to train
  the learned layer (referrals/screening/model): the honest measure of how the screening
  generalises. It still misses the targets (see data/README.md), so its test is an expected
  failure that keeps the real thresholds.

The throughput target is measured by bench/screening.py, not here: timing in a test is flaky.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from referrals.screening import screen
from tests.referrals.metrics import TARGETS, score

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "referrals"
SETS = ["devset", "heldout", "probe", "probe2", "probe3", "blind_a"]
# blind_b.jsonl as written and labelled, before any rule saw it. It is a measurement only:
# editing its texts or labels (or changing a rule for one of its lines) would make it one
# more regression set, and there would be no honest estimate left.
BLIND_B_SHA256 = "96507d480a0b87accc6c5c27f4d281bd55c9225ac15bfe23e7af36a0b171d823"
# blind_c.jsonl likewise: 240 texts written and labelled by someone who never saw the rules or
# the model, scored once with what was shipped (data/README.md).
BLIND_C_SHA256 = "dc9795e5671a2803a1f282ecafa4dc08126660b27d1026d834b4bef054e61393"
UNREACHABLE_DB = "postgres://nobody@127.0.0.1:1/none"


def load(path: Path) -> dict[str, dict]:
    with path.open(encoding="utf-8") as lines:
        return {row["id"]: row for row in map(json.loads, filter(str.strip, lines))}


def predictions(gold: dict[str, dict]) -> dict[str, dict]:
    return {
        i: screen(g["text"], lang=g.get("lang"), context=g.get("context")).as_dict()
        for i, g in gold.items()
    }


@pytest.mark.parametrize("name", SETS)
def test_it_meets_the_targets_on_each_labelled_set(name):
    gold = load(DATA / f"{name}.jsonl")
    metrics = score(gold, predictions(gold))
    assert not metrics.failures(), f"{name}: " + "; ".join(metrics.failures())


@pytest.mark.xfail(
    strict=True,
    reason="blind_b (never used to change a rule nor to train the model) measured, rules and"
    " learned layer together: crisis_recall 0.818, primary 0.804, sentinel 0.857, needs F1 0.809,"
    " benign false flags 0.055 (the rules alone: 0.576, 0.660, 0.643, 0.745, 0.055): better, not"
    " yet the targets; see tests/referrals/data/README.md",
)
def test_it_meets_the_targets_on_the_untouched_blind_set():
    gold = load(DATA / "blind_b.jsonl")
    metrics = score(gold, predictions(gold))
    assert not metrics.failures(), "blind_b: " + "; ".join(metrics.failures())


@pytest.mark.xfail(
    strict=True,
    reason="blind_c (written by someone who never read the rules, after the learned layer was"
    " trained; scored once) measured, rules and learned layer together: crisis_recall 0.540,"
    " primary 0.543, sentinel 0.550, needs F1 0.698, benign false flags 0.024 (the rules alone:"
    " 0.360, 0.471, 0.500, 0.634, 0.024); see tests/referrals/data/README.md",
)
def test_it_meets_the_targets_on_the_newest_blind_set():
    gold = load(DATA / "blind_c.jsonl")
    metrics = score(gold, predictions(gold))
    assert not metrics.failures(), "blind_c: " + "; ".join(metrics.failures())


@pytest.mark.parametrize(
    ("name", "digest"), [("blind_b", BLIND_B_SHA256), ("blind_c", BLIND_C_SHA256)]
)
def test_the_untouched_blind_sets_are_as_written(name, digest):
    assert hashlib.sha256((DATA / f"{name}.jsonl").read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("name", ["blind_a", "blind_b", "blind_c"])
def test_the_blind_sets_are_big_and_varied_enough_to_mean_something(name):
    gold = load(DATA / f"{name}.jsonl")
    tiers = [g["tier"] for g in gold.values()]
    assert len(gold) >= 150
    assert {g.get("lang") for g in gold.values()} >= {"fr", "nl", "en", None}
    assert tiers.count("crisis") >= 25 and tiers.count("none") >= 45
    assert sum(g["primary"] == "sentinel_programme" for g in gold.values()) >= 10


def test_the_heldout_set_is_big_and_balanced_enough_to_mean_something():
    gold = load(DATA / "heldout.jsonl")
    tiers = [g["tier"] for g in gold.values()]
    assert len(gold) >= 150
    assert 0.4 <= tiers.count("none") / len(tiers) <= 0.6
    assert {g.get("lang") for g in gold.values()} >= {"fr", "nl", "en", None}
    assert tiers.count("crisis") >= 15


def test_the_copied_devset_is_the_shared_one():
    shared = SHARED / "devset.jsonl"
    if not shared.exists():
        pytest.skip(f"{shared} is absent (repository cloned without ../shared)")
    assert load(DATA / "devset.jsonl") == load(shared)


def test_the_shared_scorer_agrees_on_the_shared_devset(tmp_path):
    """The real score.py on the real command's output: the issue's own acceptance check."""
    devset, scorer = SHARED / "devset.jsonl", SHARED / "score.py"
    if not (devset.exists() and scorer.exists()):
        pytest.skip(f"{SHARED} is absent (repository cloned without ../shared)")
    env = {**os.environ, "DATABASE_URL": UNREACHABLE_DB}
    out = tmp_path / "out.jsonl"
    with out.open("w") as sink:
        subprocess.run(
            [sys.executable, "manage.py", "screen", "--jsonl", str(devset)],
            cwd=ROOT,
            env=env,
            stdout=sink,
            check=True,
            timeout=120,
        )
    report = subprocess.run(
        [sys.executable, str(scorer), str(devset), str(out)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    summary = dict(re.findall(r"(\w+)=([\d.]+)", report.splitlines()[-1]))
    assert float(summary["crisis_recall"]) >= TARGETS["crisis_recall"]
    assert float(summary["benign_false_flag"]) <= TARGETS["benign_false_flag"]
    assert float(summary["primary"]) >= TARGETS["primary"]
    assert float(summary["sentinel_recall"]) >= TARGETS["sentinel_recall"]
    assert float(summary["needs_f1"]) >= TARGETS["needs_f1"]
    assert summary["missing"] == "0"
