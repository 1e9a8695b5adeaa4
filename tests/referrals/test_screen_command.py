"""`manage.py screen --jsonl`: the command-line contract of SCREENING.md.

Every run here is a real process with DATABASE_URL pointing at a port nothing listens on:
if the command touched the database, it would fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE_DB = "postgres://nobody@127.0.0.1:1/none"
CONTRACT_KEYS = ["id", "tier", "needs", "orientation", "evidence"]

JEANNE = {"id": "jeanne", "lang": "fr", "text": "Je cherche quelqu'un pour mes courses."}
PIETER_REPORT = {
    "id": "pieter-report",
    "text": "Mijn buurvrouw zegt dat ze dood wil en eet niet meer.",
    "context": {"age": 84},
}
MARC = {"id": "marc", "text": "I run a bakery and I can't sleep, I'm drowning in debt."}


def run(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": UNREACHABLE_DB}
    return subprocess.run(
        [sys.executable, "manage.py", "screen", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def lines(*items: dict | str) -> str:
    return "".join((json.dumps(i) if isinstance(i, dict) else i) + "\n" for i in items)


def test_it_screens_every_line_in_order_without_a_database(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(lines(JEANNE, PIETER_REPORT, MARC), encoding="utf-8")
    result = run(["--jsonl", str(source)])
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["jeanne", "pieter-report", "marc"]
    assert [list(r) for r in rows] == [CONTRACT_KEYS] * 3
    assert [r["tier"] for r in rows] == ["none", "crisis", "moderate"]
    assert rows[1]["orientation"][0] == "crisis_line"
    assert rows[2]["orientation"][0] == "sentinel_programme"


def test_a_malformed_line_is_named_on_stderr_and_the_others_are_still_screened(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        lines(JEANNE, '{"id": "broken", "text": ', PIETER_REPORT, "", {"id": "no-text"}, MARC),
        encoding="utf-8",
    )
    result = run(["--jsonl", str(source)])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["jeanne", None, "pieter-report", "no-text", "marc"]
    assert rows[1]["error"].startswith("line 2: not JSON")
    assert rows[3]["error"] == 'line 5: "text" must be a string'
    assert "line 2: not JSON" in result.stderr
    assert 'line 5: "text" must be a string' in result.stderr
    assert result.returncode == 1  # partial success is still reported as a failure
    assert rows[2]["tier"] == "crisis" and rows[4]["tier"] == "moderate"


def test_a_dash_reads_standard_input():
    result = run(["--jsonl", "-"], stdin=lines(MARC, JEANNE))
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["marc", "jeanne"]


def test_bad_lang_context_and_encoding_are_malformed_lines(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(
        lines(
            {"id": "a", "text": "x", "lang": "de"}, {"id": "b", "text": "x", "context": 3}
        ).encode()
        + b'{"id": "c", "text": "caf\xe9"}\n'
    )
    result = run(["--jsonl", str(source)])
    errors = [json.loads(line)["error"] for line in result.stdout.splitlines()]
    assert errors == [
        'line 1: "lang" must be "fr", "nl", "en" or null',
        'line 2: "context" must be an object',
        "line 3: not UTF-8",
    ]


def test_a_missing_input_file_is_a_clear_error(tmp_path):
    result = run(["--jsonl", str(tmp_path / "nowhere.jsonl")])
    assert result.returncode == 1
    assert "cannot read" in result.stderr and "Traceback" not in result.stderr


def test_evidence_is_utf8_text_that_points_into_the_input(tmp_path):
    text = "Je n’en peux plus, ÇA NE VA PLUS."
    result = run(["--jsonl", "-"], stdin=lines({"id": "x", "text": text}))
    row = json.loads(result.stdout)
    assert row["evidence"]
    assert all(text[e["start"] : e["end"]] == e["text"] for e in row["evidence"])
