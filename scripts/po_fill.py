"""Fill msgstr entries of a .po catalogue from a JSON object {msgid: msgstr}.

    python scripts/po_fill.py accounts/locale/vi/LC_MESSAGES/django.po vi.json

Plural entries take a list of forms. Prints the msgids still untranslated, so a
developer sees at once what is missing; exits 1 when any are.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib


def main(po_path: str, json_path: str) -> int:
    catalogue = polib.pofile(po_path)
    mapping = json.loads(Path(json_path).read_text(encoding="utf-8"))
    for entry in catalogue:
        if entry.msgid in mapping:
            value = mapping[entry.msgid]
            if entry.msgid_plural:
                forms = value if isinstance(value, list) else [value]
                entry.msgstr_plural = dict(enumerate(forms))
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    catalogue.save(po_path)
    missing = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
