"""Demo step: load the Vietnamese catalogue (procedures/data/catalogue_vi.json).

Idempotent: an unchanged catalogue is left alone; a changed record becomes a new
version. Needs the agencies of accounts.demo, which runs first.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from procedures import catalogue_io

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "catalogue_vi.json"


def seed() -> list[tuple[str, str]]:
    report = catalogue_io.import_file(
        CATALOGUE_FILE.name, CATALOGUE_FILE.read_bytes(), actor=None
    )
    if not report.ok:
        raise CommandError("\n".join(str(error) for error in report.errors))
    return []
