"""manage.py purge_expired_data [--dry-run]: apply the retention periods."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from privacy.retention import personal_data_purge_expired


class Command(BaseCommand):
    help = (
        "Anonymise the personal data of dossiers whose retention period has passed "
        "and delete their files (idempotent)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count what would be changed.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run: bool = options["dry_run"]
        counts = personal_data_purge_expired(dry_run=dry_run)
        prefix = "would anonymise" if dry_run else "anonymised"
        self.stdout.write(
            f"{prefix}: dossiers={counts.dossiers} files={counts.files} "
            f"sms={counts.sms}"
        )
