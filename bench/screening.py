"""Screening benchmark: texts per second of `referrals.screening.screen` on one core.

Why: every posted request, message and visit report is screened, and a whole backlog may be
re-screened when the rules change, so screening must stay cheap. The target (SCREENING.md) is
at least 2,000 texts per second on one core.

What: the labelled texts of tests/referrals/data (French, Dutch, English; ordinary requests and
every kind of signal, from a few words to a few sentences), cycled to BENCH_TEXTS texts
(default 50,000), half with their language given and half detected, after a warm-up, in five
equal rounds: the rate is the median round's (the slowest and fastest are printed too), so that
one round slowed by a neighbour on a shared machine does not decide the result. The process is
pinned to one CPU where the platform allows it.

The machine's speed varies from day to day (the same code measured 1,423 and 4,557 texts/s on
two days of one week), so the run also times a fixed pure-Python workload that has nothing to do
with screening (`reference_loops_per_second`): compare two results through that ratio, not
their raw rates.

Results go to bench/results/screening.json:
{"texts_per_second", "texts", "rounds_texts_per_second", "reference_loops_per_second", "when"}.
Run: `.venv/bin/python bench/screening.py`.
"""

from __future__ import annotations

import itertools
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# Run as `python bench/screening.py`: the project root must be importable, this folder not first.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != BENCH]

from referrals.screening import screen  # noqa: E402  (needs ROOT on the path)

DATA = ROOT / "tests" / "referrals" / "data"
RESULTS = BENCH / "results" / "screening.json"
TARGET = 2_000
ROUNDS = 5


def corpus() -> list[tuple[str, str | None, dict]]:
    """Every labelled text, once with its language and once to be detected."""
    rows = [
        json.loads(line)
        for path in sorted(DATA.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    given = [(r["text"], r.get("lang"), r.get("context") or {}) for r in rows]
    detected = [(text, None, context) for text, _, context in given]
    return given + detected


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to CPU {core}"
    return "not pinned (no sched_setaffinity here)"


def measure(texts: list[tuple[str, str | None, dict]]) -> float:
    """Seconds to screen every text once."""
    started = time.perf_counter()
    for text, lang, context in texts:
        screen(text, lang=lang, context=context)
    return time.perf_counter() - started


def reference_rate(loops: int = 300_000) -> float:
    """Loops per second of a fixed workload of string joins and dictionary look-ups, like
    screening's own, on this machine now (best of three)."""
    words = ["je", "ne", "veux", "plus", "être", "un", "fardeau", "pour", "mes", "enfants"]
    table = {w: len(w) for w in words}
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(loops):
            key = " ".join(words[i % 5 : i % 5 + 3])
            total += table.get(key, 1) + table.get(words[i % 9], 0)
        best = min(best, time.perf_counter() - started)
    return loops / best


def main() -> None:
    count = int(os.environ.get("BENCH_TEXTS", "50000"))
    pinning = pin_to_one_core()
    pool = corpus()
    texts = list(itertools.islice(itertools.cycle(pool), count))
    measure(pool)  # warm-up: the folding cache and the regex caches
    size = max(1, count // ROUNDS)
    rounds = [texts[i : i + size] for i in range(0, count, size)]
    rates = sorted(len(part) / measure(part) for part in rounds)
    rate = statistics.median(rates)
    reference = reference_rate()
    print(f"screening: {count} texts ({len(pool)} distinct) in {len(rounds)} rounds, {pinning}")
    verdict = "ok" if rate >= TARGET else "MISSED"
    print(f"texts_per_second {rate:,.0f}  (target >= {TARGET:,}: {verdict})")
    print(f"rounds from {rates[0]:,.0f} to {rates[-1]:,.0f} texts/s")
    print(f"reference_loops_per_second {reference:,.0f}  (this machine's speed today)")
    RESULTS.parent.mkdir(exist_ok=True)
    result = {
        "texts_per_second": round(rate),
        "texts": count,
        "rounds_texts_per_second": [round(r) for r in rates],
        "reference_loops_per_second": round(reference),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
