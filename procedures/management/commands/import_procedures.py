from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from procedures import catalogue_io


class Command(BaseCommand):
    help = (
        "Load procedures from a JSON or Excel file in the national format "
        "(docs/catalogue-format.md). Nothing is loaded unless every record is valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="a .json or .xlsx file")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        report = catalogue_io.import_file(path.name, content, actor=None)
        if not report.ok:
            for problem in report.errors:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(report.errors)} problem(s) in {path}; nothing was loaded.\n"
                + "\n".join(str(e) for e in report.errors[:20])
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.created)} created, {len(report.amended)} amended, "
                f"{len(report.unchanged)} unchanged."
            )
        )
