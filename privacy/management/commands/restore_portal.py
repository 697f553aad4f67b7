"""manage.py restore_portal --input DIR --database-url URL [--force]."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from privacy.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup_portal folder into an empty database and MEDIA_ROOT, "
        "verifying checksums and the restored counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, type=Path)
        parser.add_argument("--database-url", required=True)
        parser.add_argument("--media-root", type=Path, default=None)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore over a database and files that are not empty.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_restore(
                source=options["input"],
                database_url=options["database_url"],
                media_root=options["media_root"],
                force=options["force"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = ", ".join(f"{k}={v}" for k, v in manifest["counts"].items())
        self.stdout.write(f"restored and verified ({counts})")
