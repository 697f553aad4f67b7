"""manage.py backup_portal --output DIR: database dump, private files, manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from privacy.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database (pg_dump) and the private uploaded files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, type=Path)
        parser.add_argument("--media-root", type=Path, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_create(
                output=options["output"], media_root=options["media_root"]
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = ", ".join(f"{k}={v}" for k, v in manifest["counts"].items())
        self.stdout.write(f"backup written to {options['output']} ({counts})")
