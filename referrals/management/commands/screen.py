"""`manage.py screen --jsonl INPUT.jsonl > OUTPUT.jsonl`: the screening contract (SCREENING.md).

Input: one JSON object per line, `{"id", "text", "lang"?, "context"?}`; `-` reads standard
input. Output, on standard output, one JSON object per non-blank input line, in the same order:
`{"id", "tier", "needs", "orientation", "evidence"}`.

A malformed line (not JSON, not an object, no string "text", an unknown "lang", a "context"
that is not an object, bytes that are not UTF-8) is reported on standard error as
`line N: reason`, and its output line is `{"id": <its id, or null>, "error": "line N: reason"}`
so that the k-th output line always answers the k-th input line; every other line is still
screened. Blank lines are skipped (as score.py skips them). The exit status is 1 when any
line was malformed, 0 otherwise.

It never opens a database connection and never uses the network: no system checks, no
migration checks, and the screening engine is pure Python.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError

from referrals.screening import screen

LANGS = {"fr", "nl", "en"}


class MalformedLine(ValueError):
    """A line that cannot be screened; the message says why."""


def parse(raw: bytes) -> dict[str, Any]:
    """The screening request of one input line; `MalformedLine` says what is wrong."""
    try:
        item = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise MalformedLine("not UTF-8") from None
    except json.JSONDecodeError as error:
        raise MalformedLine(f"not JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(item, dict):
        raise MalformedLine("not a JSON object")
    if not isinstance(item.get("id"), str | int) or isinstance(item.get("id"), bool):
        raise MalformedLine('"id" must be a string (or an integer)')
    if not isinstance(item.get("text"), str):
        raise MalformedLine('"text" must be a string')
    lang = item.get("lang")
    if lang is not None and (not isinstance(lang, str) or lang.lower() not in LANGS):
        raise MalformedLine('"lang" must be "fr", "nl", "en" or null')
    context = item.get("context")
    if context is not None and not isinstance(context, dict):
        raise MalformedLine('"context" must be an object')
    return {
        "id": item["id"],
        "text": item["text"],
        "lang": lang and lang.lower(),
        "context": context,
    }


def _id_of(raw: bytes) -> Any:
    """The id of a malformed line when it can still be read, so the error can be traced."""
    try:
        item = json.loads(raw.decode("utf-8"))
    except ValueError:
        return None
    value = item.get("id") if isinstance(item, dict) else None
    return value if isinstance(value, str | int) and not isinstance(value, bool) else None


def answer(raw: bytes, number: int) -> tuple[dict[str, Any], str | None]:
    """The output object for one input line, and the error message if it was malformed."""
    try:
        item = parse(raw)
    except MalformedLine as error:
        message = f"line {number}: {error}"
        return {"id": _id_of(raw), "error": message}, message
    result = screen(item["text"], lang=item["lang"], context=item["context"])
    return {"id": item["id"], **result.as_dict()}, None


def _lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    for number, raw in enumerate(stream, start=1):
        if raw.strip():
            yield number, raw


class Command(BaseCommand):
    help = "Screen texts from a JSONL file (or - for standard input) and write JSONL results."

    # The contract: no database, no network. System checks and migration checks may touch
    # the database, so neither runs.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--jsonl", required=True, metavar="INPUT", help="a JSONL file, or - for stdin"
        )

    def handle(self, *args: Any, jsonl: str, **options: Any) -> None:
        interactive = jsonl == "-"
        stream = sys.stdin.buffer if interactive else self._open(jsonl)
        errors = []
        try:
            for number, raw in _lines(stream):
                output, error = answer(raw, number)
                if error:
                    errors.append(number)
                    self.stderr.write(error)
                self.stdout.write(json.dumps(output, ensure_ascii=False))
                if interactive:
                    self.stdout.flush()
        finally:
            if not interactive:
                stream.close()
        if errors:
            raise CommandError(f"{len(errors)} malformed line(s): {', '.join(map(str, errors))}")

    def _open(self, path: str) -> IO[bytes]:
        try:
            return open(path, "rb")  # noqa: SIM115  (closed in handle)
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
