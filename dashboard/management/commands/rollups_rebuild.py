"""Recount the dashboards' rollups of a range of days from the dossiers and events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dashboard.services import rollups_rebuild, snapshots_take


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from exc


class Command(BaseCommand):
    help = "Recount daily rollups (and end-of-day snapshots) for --from..--to."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", required=True, type=_day)
        parser.add_argument("--to", dest="last", type=_day, default=None)
        parser.add_argument(
            "--no-snapshots",
            action="store_true",
            help="Recount the flows only.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        first: dt.date = options["first"]
        last: dt.date = options["last"] or timezone.localdate()
        if last < first:
            raise CommandError("--to must not be before --from.")
        rows = rollups_rebuild(first=first, last=last)
        self.stdout.write(f"Rollups {first}..{last}: {rows} rows.")
        if not options["no_snapshots"]:
            snapshot_last = min(last, timezone.localdate() - dt.timedelta(days=1))
            if snapshot_last >= first:
                written = snapshots_take(first=first, last=snapshot_last)
                self.stdout.write(
                    f"Snapshots {first}..{snapshot_last}: {written} rows."
                )
