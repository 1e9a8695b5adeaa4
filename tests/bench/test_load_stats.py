"""The statistics of `make bench-load` (bench/load_stats.py): percentiles, the per-scenario
summary, and the fault check around a database restart. No database, no server."""

import json
import math

import pytest

from bench.load_stats import (
    Sample,
    Window,
    error_timeline,
    fault_report,
    percentile,
    read_samples,
    summarize,
)


def sample(started, ms=10.0, ok=True, name="feed", status=200):
    return Sample(name=name, started=started, ms=ms, ok=ok, status=status if ok else 500)


def test_percentile_interpolates_between_ranks():
    values = [40, 10, 30, 20]  # unsorted on purpose
    assert percentile(values, 0) == 10
    assert percentile(values, 100) == 40
    assert percentile(values, 50) == 25
    assert percentile(list(range(1, 101)), 99) == pytest.approx(99.01)
    assert percentile([7.5], 99) == 7.5
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError):
        percentile([1], 101)


def test_summarize_counts_the_window_only_and_every_failure():
    samples = [sample(0.5, ms=999)]  # warm-up, before the window
    samples += [sample(1 + i / 10, ms=float(i + 1)) for i in range(100)]  # 10 s, 100 requests
    samples += [sample(5.05, ms=2.0, ok=False)]
    samples += [sample(11.0, ms=999)]  # after the window
    numbers = summarize(samples, since=1.0, until=11.0)
    assert numbers["requests"] == 101
    assert numbers["rps"] == 10.1
    assert numbers["errors"] == 1
    assert numbers["p50_ms"] == 50.0  # the fast error counts too
    assert numbers["p99_ms"] == 99.0
    assert summarize([], since=0, until=1)["p99_ms"] is None
    with pytest.raises(ValueError):
        summarize(samples, since=2, until=2)


def test_read_samples_skips_a_line_cut_short(tmp_path):
    path = tmp_path / "samples.jsonl"
    good = {"name": "post", "started": 1.5, "ms": 12.25, "ok": False, "status": 500}
    path.write_text(json.dumps(good) + "\n" + '{"name": "feed", "sta')
    assert read_samples(path) == [Sample("post", 1.5, 12.25, False, 500)]


WINDOW = Window(restart_began=100.0, restart_ended=102.0, margin_before=1.0, margin_after=5.0)


def test_window_takes_requests_in_flight_at_its_edges():
    assert (WINDOW.start, WINDOW.end) == (99.0, 107.0)
    assert WINDOW.overlaps(sample(98.5, ms=600))  # sent before, answered inside
    assert WINDOW.overlaps(sample(107.0, ms=1))  # sent at the very end
    assert not WINDOW.overlaps(sample(98.0, ms=500))  # answered before the window
    assert not WINDOW.overlaps(sample(107.2, ms=1))


def test_fault_report_separates_the_restart_from_other_errors():
    samples = [sample(90 + i / 2) for i in range(20)]  # healthy before: 90 .. 99.5
    samples += [sample(100.2, ok=False, name="post"), sample(101.0, ok=False)]
    samples += [sample(95.0, ms=3, ok=False)]  # an error long before the restart
    samples += [sample(103.5, ms=200), sample(103.6, ms=4, name="post"), sample(110.0)]
    samples += [sample(112.0, ok=False)]  # and one after the window
    report = fault_report(
        samples, window=WINDOW, acknowledged=["a", "b", "c"], found=["a", "c", "zz"]
    )
    assert report["errors_in_window"] == 2
    assert report["errors_outside_window"] == 2
    assert report["errors_outside_at_s"] == [-5.0, 12.01]
    assert report["acknowledged"] == 3
    assert report["lost"] == 1 and report["lost_markers"] == ["b"]
    # Back at 102; the last error of the window ended at 101.01: the first success sent after
    # 102 is the one sent at 103.6 and done at 103.604 (before the slower one sent at 103.5).
    assert report["recovered"] is True
    assert report["recovered_after_s"] == 3.6
    # Sent at or after the recovery (103.604): the feed at 110; the one at 112 failed.
    assert report["ok_after_recovery"] == {"feed": 1}
    assert report["window_s"] == [-1.0, 7.0]
    assert report["restart_s"] == 2.0


def test_fault_report_without_recovery():
    samples = [sample(99.0), sample(101.0, ok=False), sample(104.0, ok=False)]
    report = fault_report(samples, window=WINDOW, acknowledged=[], found=[])
    assert report["recovered"] is False
    assert report["recovered_after_s"] is None
    assert report["lost"] == 0


def test_error_timeline_buckets_by_second_from_the_restart():
    samples = [sample(100.1, ms=100, ok=False), sample(100.5, ms=100, ok=False)]
    samples += [sample(102.0, ms=100, ok=False), sample(101.0)]
    assert error_timeline(samples, origin=100.0) == {"0s": 2, "2s": 1}
