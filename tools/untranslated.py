"""List the entries of a catalogue still without a translation: `tools/untranslated.py fr`."""

import sys
from pathlib import Path

import polib

for lang in sys.argv[1:] or ["fr", "nl"]:
    catalogue = polib.pofile(str(Path("locale") / lang / "LC_MESSAGES" / "django.po"))
    for entry in catalogue:
        if entry.obsolete:
            continue
        if not entry.translated() or entry.fuzzy:
            where = ", ".join(f"{f}:{n}" for f, n in entry.occurrences[:2])
            print(f"{lang}\t{entry.msgid!r}\t{entry.msgid_plural or ''}\t{where}")
