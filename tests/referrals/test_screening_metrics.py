"""The screening engine against SCREENING.md's targets, on every labelled set we have.

`data/sets.json` says which set plays which part, and `data/README.md` how each was written and
scored: the six oldest ("strict"), the newer regression sets (blind sets once scored, then
trained on, and sets written for training), and the untouched blind sets, never used to change
a rule nor to train. Pooled, they still miss crisis recall, so their test is a strict expected
failure that keeps the real thresholds; the blind sets are pinned by SHA-256.

The six oldest sets must meet the targets with no ordinary text flagged at all; the newer
regression sets meet SCREENING.md's rates (an ordinary text flagged in 5% is allowed; 10% in
the minimal-pair sets, whose ordinary texts were written as twins of crises).
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
# Which set plays which part (the training tool reads the same file).
PARTS = json.loads((DATA / "sets.json").read_text(encoding="utf-8"))
SETS, NEWER_SETS, UNTOUCHED = PARTS["strict"], PARTS["newer"], PARTS["untouched"]
# Minimal pairs (each ordinary text written as the twin of a crisis): more may be flagged.
PAIRS, PAIR_BENIGN_LIMIT = set(PARTS["pairs"]), 0.10
# The blind sets as written and labelled, before any rule or model saw them. The untouched ones
# are a measurement only: editing their texts or labels (or changing a rule or training for one of
# their lines) would make them more regression sets, and there would be no honest estimate left.
# The older ones had that role until the next one was written; they train now, unedited.
BLIND_SHA256 = {
    "blind_d": "a6f05d1c338a21141a42cbf572f9f7ee5bd95330a8471366ee61bbc73c892fc6",
    "blind_e": "b86f27b80ca0a2ef61a7131cfd549ba60544894767df9b14f85d3fba1d8b8ba7",
    "blind_f": "88074837fb964bb5521d98e9288af3548f533ca6538ef9fc6ad8b18c17fa44ee",
    "blind_g": "b8ca68b1fe39080d303cac2a1a883c5e69c93c0877ea4ca8171ba7fdcbe40816",
    "blind_h": "3ff8e637e892a5015f3b1f1da00f8537f9aefb9242c21fc0cecfeed2d224b19f",
    "blind_i": "ad7f04d0c469ec273160bec670ecfc2177d0dcee62f1f915726e47a47b9b5944",
    "blind_j": "eda80caa4c831ead8650eb46363f9611fef3f87478359ce993fe698d1451b9e8",
    "blind_k": "be6ab34cf9c2077f8a317d284ea2b2e30ada990a616f1c8d9071792f8c26bbbe",
    "blind_l": "e58efd663aff4d70858e15e4b0027cd3a5eb2b35f18ed052da0698b4169a71c0",
    "blind_m": "399da6f1635285b55aefdaf739b6133c05dec734dc59e66fd8d02f6138ad5bf8",
    "blind_n": "b2dba37054ef0a09e1d745ab510355b9cc3e30d94ad51bde36a5a0bc3251168c",
    "blind_o": "d2f08d7cf8f0537448639cc8cb3dd64db27de2f6871d5cea2c3337d508f9e3a5",
    "blind_p": "3e2d20bc5403ac6063c098128c0a4c9c4f1127d29dc66d70c8aba789288fe4c7",
    "blind_q": "8e89f757b1423186e1cbe1e02b6294615c8bf011e4f2b0bac4ebefd9c33b75e8",
    "blind_r": "dfdc1d5ad558a7e2e248372e742cfe1ecb7ef243ea860f8de961b3f130e12456",
    "blind_s": "c340ede401eb28043035b7cf8da5eb8d052d1fe0b14a98a0b5df4fe0c8eee4bb",
    "blind_t": "5141418436bd346323c8804a6e6abb7362a982ec5bd4193594340f2aeb0f9175",
    "blind_u": "d9f8df1743085cf49f68850bf86475e0818f9baff8db28ca7c42024e722696e6",
    "blind_v": "8cf37faae6a0d6c7b5d38fa4cc41c51a0f4ebeea21fcd5c6dbe5a1474899c1d0",
}
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


@pytest.mark.parametrize("name", NEWER_SETS)
def test_it_meets_the_targets_on_the_newer_regression_sets(name):
    gold = load(DATA / f"{name}.jsonl")
    metrics = score(gold, predictions(gold))
    limit = PAIR_BENIGN_LIMIT if name in PAIRS else TARGETS["benign_false_flag"]
    failures = metrics.failures(every_benign_text=False, benign_limit=limit)
    assert not failures, f"{name}: " + "; ".join(failures)


@pytest.mark.xfail(
    strict=True,
    reason="blind_u + blind_v (two authors who never saw the rules, the model or their output),"
    " rules and learned layer together: crisis_recall 0.960 (96 of 100), benign false flags 0.071"
    " (12 of 170), primary 0.846, sentinel 0.938, needs F1 0.821 (with the ninth round, before"
    " this one: 0.970, 0.071, 0.850, 0.938, 0.817); see tests/referrals/data/README.md",
)
def test_it_meets_the_targets_on_the_untouched_blind_sets():
    """Both untouched sets pooled: 100 crises from two authors are a finer measure than 50."""
    gold = {i: g for name in UNTOUCHED for i, g in load(DATA / f"{name}.jsonl").items()}
    metrics = score(gold, predictions(gold))
    assert not metrics.failures(), f"{' + '.join(UNTOUCHED)}: " + "; ".join(metrics.failures())


@pytest.mark.parametrize("name, digest", BLIND_SHA256.items())
def test_the_blind_sets_are_as_written(name, digest):
    assert hashlib.sha256((DATA / f"{name}.jsonl").read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("name", ["blind_a", "blind_b", "blind_c", *BLIND_SHA256])
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
