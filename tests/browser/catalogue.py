"""The project's translation catalogues read as data, to find English left on a French or Dutch
page: a visible text that is one of the English msgids whose translation is something else."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
# Placeholders in msgids: %(name)s, %s, %d and the like.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdif]")


@dataclass(frozen=True)
class Entry:
    msgid: str
    translations: tuple[str, ...]  # msgstr, or msgstr[0..n] for a plural
    fuzzy: bool


def _unquote(line: str) -> str:
    return ast.literal_eval(line)


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file: singular and plural msgids (the header and obsolete ones left out)."""
    entries: list[Entry] = []
    fields: dict[str, str] = {}
    flags = ""
    current = None

    def close():
        nonlocal fields, flags
        if fields.get("msgid"):
            strings = tuple(v for k, v in sorted(fields.items()) if k.startswith("msgstr"))
            fuzzy = "fuzzy" in flags
            entries.append(Entry(fields["msgid"], strings, fuzzy))
            if fields.get("msgid_plural"):
                entries.append(Entry(fields["msgid_plural"], strings, fuzzy))
        fields, flags = {}, ""

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if "msgid" in fields:
                close()
            flags += line
        elif line.startswith(("msgctxt", "msgid", "msgstr")):
            key, _space, rest = line.partition(" ")
            if key in ("msgctxt", "msgid") and "msgstr" in fields:
                close()
            current = key
            fields[key] = _unquote(rest)
        elif line.startswith('"') and current:
            fields[current] += _unquote(line)
        elif not line and "msgstr" in fields:
            close()
    close()
    return entries


@cache
def english_left_over(language: str) -> tuple[tuple[str, re.Pattern], ...]:
    """(msgid, pattern) for each English msgid that must not show on a page in `language`: the
    ones translated to something else, and the ones not translated at all (shown in English)."""
    found = []
    for entry in parse_po(LOCALE / language / "LC_MESSAGES" / "django.po"):
        translated = [text for text in entry.translations if text]
        if translated and not entry.fuzzy and entry.msgid in translated:
            continue  # the same word in both languages ("Total", "Neighbourhelp")
        text = " ".join(entry.msgid.split())
        literal = [re.escape(part) for part in PLACEHOLDER.split(text)]
        if sum(len(part.strip()) for part in PLACEHOLDER.split(text)) < 2:
            continue  # nothing but a placeholder
        body = r".+?".join(literal).replace(r"\ ", r"\s+")
        found.append((entry.msgid, re.compile(rf"(?<!\w){body}(?!\w)")))
    return tuple(found)


# Each language is named in itself in the switch and the language choices.
NAMED_IN_THEMSELVES = {"English", "Français", "Nederlands"}


def english_in(texts: list[str], language: str) -> list[str]:
    """The English msgids found in the page's visible texts.

    A short msgid (one or two words) counts only as a whole text of its own, so that a French
    "Car" or a Dutch "Details" inside a sentence is not taken for English; a longer one counts
    anywhere, placeholders matching anything."""
    whole = {" ".join(text.split()) for text in texts}
    joined = "\n".join(whole)
    hits = []
    for msgid, pattern in english_left_over(language):
        if msgid in NAMED_IN_THEMSELVES:
            continue
        if len(msgid.split()) <= 2 and not PLACEHOLDER.search(msgid):
            if " ".join(msgid.split()) in whole:
                hits.append(msgid)
        elif pattern.search(joined):
            hits.append(msgid)
    return hits
