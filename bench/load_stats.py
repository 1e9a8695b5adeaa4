"""Statistics for `make bench-load`: one sample per HTTP request, summed up per scenario and
checked around a PostgreSQL restart. Plain functions, no Django, so they are quick to test.

A sample is a dict as the load file writes it, one JSON object per line:
{"name": "feed", "started": <epoch seconds>, "ms": <duration>, "ok": true, "status": 200}.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    name: str
    started: float  # epoch seconds, when the request was sent
    ms: float  # until the whole response was read (or the error)
    ok: bool
    status: int = 0  # HTTP status, 0 when no response came

    @property
    def ended(self) -> float:
        return self.started + self.ms / 1000


def read_samples(path: Path) -> list[Sample]:
    """The samples in a JSON-lines file; a line cut short (a killed writer) is skipped."""
    samples = []
    for line in path.read_text().splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        samples.append(
            Sample(
                name=str(row["name"]),
                started=float(row["started"]),
                ms=float(row["ms"]),
                ok=bool(row["ok"]),
                status=int(row.get("status") or 0),
            )
        )
    return samples


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between the nearest ranks."""
    if not values:
        return math.nan
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be between 0 and 100, not {q}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(samples: Iterable[Sample], *, since: float, until: float) -> dict:
    """Requests per second, latency percentiles and errors of the requests sent in [since, until).

    Throughput counts every request that completed, failed or not, over the window's length;
    the percentiles cover every request too (a fast error is no success, but hiding it would
    flatter the latency); `errors` says how many failed.
    """
    if until <= since:
        raise ValueError("the window must end after it starts")
    kept = [s for s in samples if since <= s.started < until]
    ms = [s.ms for s in kept]
    return {
        "requests": len(kept),
        "rps": round(len(kept) / (until - since), 1),
        "p50_ms": _round(percentile(ms, 50)),
        "p95_ms": _round(percentile(ms, 95)),
        "p99_ms": _round(percentile(ms, 99)),
        "errors": sum(not s.ok for s in kept),
    }


def _round(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 1)


@dataclass(frozen=True)
class Window:
    """When requests may fail because the database is restarting: from `margin_before` seconds
    before the restart command to `margin_after` seconds after the server answered again."""

    restart_began: float
    restart_ended: float
    margin_before: float = 1.0
    margin_after: float = 5.0

    @property
    def start(self) -> float:
        return self.restart_began - self.margin_before

    @property
    def end(self) -> float:
        return self.restart_ended + self.margin_after

    def overlaps(self, sample: Sample) -> bool:
        """A request in flight at any moment of the window (sent before its end, done after
        its start): its failure is the restart's."""
        return sample.started <= self.end and sample.ended >= self.start


def fault_report(
    samples: Sequence[Sample],
    *,
    window: Window,
    acknowledged: Iterable[str],
    found: Iterable[str],
) -> dict:
    """What a restart cost: errors inside and outside its window, acknowledged writes lost,
    and how long after the restart command requests succeeded again.

    `acknowledged` are the markers of the writes the server confirmed, `found` those that are
    in the database afterwards. Recovery is the end of the first successful request sent after
    the server was back and after the last error of the window; None if there was none.
    """
    errors = [s for s in samples if not s.ok]
    inside = [s for s in errors if window.overlaps(s)]
    outside = [s for s in errors if not window.overlaps(s)]
    acked = set(acknowledged)
    lost = sorted(acked - set(found))
    settled = max([window.restart_ended, *(s.ended for s in inside)])
    after = sorted((s for s in samples if s.ok and s.started >= settled), key=lambda s: s.ended)
    recovered_at = after[0].ended if after else None
    return {
        "requests": len(samples),
        "acknowledged": len(acked),
        "lost": len(lost),
        "lost_markers": lost[:20],
        "errors_in_window": len(inside),
        "errors_outside_window": len(outside),
        "errors_outside_at_s": [round(s.ended - window.restart_began, 2) for s in outside[:20]],
        "window_s": [
            round(window.start - window.restart_began, 2),
            round(window.end - window.restart_began, 2),
        ],
        "restart_s": round(window.restart_ended - window.restart_began, 2),
        "recovered": recovered_at is not None,
        "recovered_after_s": None
        if recovered_at is None
        else round(recovered_at - window.restart_began, 2),
        "ok_after_recovery": _count_by_name(
            s for s in samples if s.ok and recovered_at is not None and s.started >= recovered_at
        ),
    }


def _count_by_name(samples: Iterable[Sample]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for sample in samples:
        counts[sample.name] = counts.get(sample.name, 0) + 1
    return dict(sorted(counts.items()))


def error_timeline(samples: Sequence[Sample], *, origin: float, bucket_s: float = 1.0) -> dict:
    """Errors per `bucket_s` seconds since `origin` (only the buckets with errors)."""
    counts: dict[int, int] = {}
    for sample in samples:
        if not sample.ok:
            bucket = math.floor((sample.ended - origin) / bucket_s)
            counts[bucket] = counts.get(bucket, 0) + 1
    return {f"{bucket * bucket_s:g}s": counts[bucket] for bucket in sorted(counts)}
