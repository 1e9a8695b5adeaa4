"""`make bench-load` prints its report and exits 0 whatever the numbers, unless LOAD_STRICT=1
asks it to fail when a target is missed. No database, no server."""

import pytest

from bench import load

MET = {"feed_rps_at_least_40pct_of_bare": True, "feed_p99_at_most_100ms": True}
MISSED = {"feed_rps_at_least_40pct_of_bare": False, "feed_p99_at_most_100ms": True}


def test_it_only_reports_a_missed_target_by_default(monkeypatch):
    monkeypatch.delenv("LOAD_STRICT", raising=False)

    assert load.strict_failure(MISSED) is None


def test_it_fails_on_a_missed_target_when_strict(monkeypatch):
    monkeypatch.setenv("LOAD_STRICT", "1")

    assert load.strict_failure(MISSED) == (
        "LOAD_STRICT=1: 1 target(s) missed: feed_rps_at_least_40pct_of_bare"
    )
    assert load.strict_failure(MET) is None


def test_it_refuses_a_strictness_it_does_not_know(monkeypatch):
    monkeypatch.setenv("LOAD_STRICT", "yes")

    with pytest.raises(SystemExit, match="LOAD_STRICT must be 0 or 1"):
        load.strict_failure(MISSED)
