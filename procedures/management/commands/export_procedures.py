from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from procedures import catalogue_io


class Command(BaseCommand):
    help = "Write the published catalogue to a .json or .xlsx file (national format)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="a .json or .xlsx file")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        procedures = catalogue_io.export_queryset()
        if path.suffix.lower() == ".json":
            content = catalogue_io.export_json(procedures)
        elif path.suffix.lower() == ".xlsx":
            content = catalogue_io.export_excel(procedures)
        else:
            raise CommandError("The file name must end in .json or .xlsx.")
        path.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}."))
