"""Vietnamese and English are both complete: every message in the code has a
Vietnamese translation (English is the source language of the messages)."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
IGNORED = shutil.ignore_patterns(
    ".venv",
    ".services",
    ".git",
    "media",
    "staticfiles",
    "test-output",
    "__pycache__",
    "*.mo",
    "bench",
    "tests",
    ".mypy_cache",
    ".ruff_cache",
)


def test_every_message_has_a_vietnamese_translation(tmp_path):
    copy = tmp_path / "portal"
    shutil.copytree(ROOT, copy, ignore=IGNORED)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "vi",
            "--no-obsolete",
            "--no-location",
            "--ignore=static/*",
        ],
        cwd=copy,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": ""},
        check=True,
        capture_output=True,
        timeout=300,
    )
    missing: list[str] = []
    catalogues = sorted(copy.glob("**/locale/vi/LC_MESSAGES/django.po"))
    assert catalogues, "no Vietnamese catalogue found"
    for path in catalogues:
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            if not entry.translated() or "fuzzy" in entry.flags:
                missing.append(f"{path.relative_to(copy)}: {entry.msgid!r}")
    assert not missing, "untranslated messages:\n" + "\n".join(missing)
