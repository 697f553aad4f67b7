"""Median cost of working-time arithmetic on the default Vietnamese calendar.

    .venv/bin/python -m bench.worktime_calendar [--repeat 2000] [--django]

Pure computation: no database or cache (the calendar is built directly, with a
few overrides, as `get_calendar()` would build it). With --django (services up,
DJANGO_SETTINGS_MODULE and the usual variables set) it also times `get_calendar()`,
whose cost is one cache read of the version token.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from zoneinfo import ZoneInfo

from worktime.calendar import WorkCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def median_microseconds(call: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter_ns()
        call()
        samples.append((time.perf_counter_ns() - started) / 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2000)
    parser.add_argument("--django", action="store_true")
    args = parser.parse_args()
    calendar = WorkCalendar(
        overrides={dt.date(2027, 2, 11): False, dt.date(2027, 2, 20): True}
    )
    rng = random.Random(2027)
    base = dt.datetime(2026, 1, 1, tzinfo=VN)
    starts = [
        base + dt.timedelta(minutes=rng.randrange(365 * 24 * 60)) for _ in range(512)
    ]
    # Warm the per-year tables, as a long-running process has them.
    for year in range(2026, 2029):
        calendar.is_working_day(dt.date(year, 6, 1))
    picks = itertools.cycle(starts)

    def add_sixty_days() -> None:
        calendar.add_working_days(next(picks), Decimal(60))

    def hours_over_a_year() -> None:
        start = next(picks)
        calendar.working_hours_between(start, start + dt.timedelta(days=365))

    def next_moment() -> None:
        calendar.next_working_moment(next(picks))

    def cold_calendar_and_sixty_days() -> None:
        WorkCalendar().add_working_days(next(picks), Decimal(60))

    for name, call, repeat in [
        ("add_working_days(start, 60)", add_sixty_days, args.repeat),
        ("working_hours_between(start, start + 365 d)", hours_over_a_year, args.repeat),
        ("next_working_moment(start)", next_moment, args.repeat),
        (
            "new calendar + add_working_days(60) (cold)",
            cold_calendar_and_sixty_days,
            50,
        ),
    ]:
        print(f"{name:48s} median {median_microseconds(call, repeat):8.1f} µs")
    if args.django:
        import django  # noqa: PLC0415

        django.setup()
        from worktime.calendar import get_calendar  # noqa: PLC0415

        get_calendar()
        median = median_microseconds(get_calendar, args.repeat)
        print(
            f"{'get_calendar() (warm, Redis version check)':48s} median {median:8.1f} µs"
        )


if __name__ == "__main__":
    main()
