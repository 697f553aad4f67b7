"""The working-time calendar: office hours, weekends, public holidays and overrides.

Processing time is counted in working hours over office hours (design.md §4,
domain.md §2.2). Every method takes and returns aware datetimes; results are in the
calendar's time zone (Asia/Ho_Chi_Minh, which has no daylight saving time, so wall
clock arithmetic within a day is exact).

Which days are working days, strongest rule first:
1. a `DayOverride` row (extra day off, or make-up working day);
2. a make-up working day published by the `holidays` package (a Saturday worked to
   compensate a bridge day);
3. a public holiday from `holidays.Vietnam` (Tết, 30/4, 1/5, 2/9, ...);
4. the configured weekend days.

Internally a moment inside a day is counted in microseconds of *working* time since
the start of that day ("worked"), and days are found through per-year cumulative
counts of working days, so adding 60 working days is a couple of bisections rather
than a walk over minutes.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

MICROSECONDS_PER_HOUR = 3_600_000_000
MICROSECONDS_PER_DAY = 24 * MICROSECONDS_PER_HOUR
VERSION_CACHE_KEY = "worktime:calendar-version"

OfficeHours = tuple[tuple[dt.time, dt.time], ...]


def parse_office_hours(value: str) -> OfficeHours:
    """Parse "07:00-11:30,13:30-17:00" into sorted, non-overlapping intervals."""
    intervals: list[tuple[dt.time, dt.time]] = []
    for part in value.split(","):
        text = part.strip()
        if not text:
            continue
        try:
            start_text, end_text = text.split("-")
            start = dt.time.fromisoformat(start_text.strip())
            end = dt.time.fromisoformat(end_text.strip())
        except ValueError as error:
            raise ImproperlyConfigured(
                f"Office hours must look like 07:00-11:30,13:30-17:00, got {value!r}."
            ) from error
        intervals.append((start, end))
    return validate_office_hours(intervals)


def validate_office_hours(intervals: Iterable[tuple[dt.time, dt.time]]) -> OfficeHours:
    ordered = sorted(intervals)
    if not ordered:
        raise ImproperlyConfigured("Office hours must contain at least one interval.")
    previous_end: dt.time | None = None
    for start, end in ordered:
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ImproperlyConfigured("Office hours are local times without a zone.")
        if end <= start:
            raise ImproperlyConfigured(f"Office interval {start}-{end} ends too early.")
        if previous_end is not None and start < previous_end:
            raise ImproperlyConfigured(f"Office interval {start}-{end} overlaps.")
        previous_end = end
    return tuple(ordered)


def _microseconds(value: dt.time) -> int:
    return (
        (value.hour * 60 + value.minute) * 60 + value.second
    ) * 1_000_000 + value.microsecond


def hours_to_microseconds(hours: Decimal | int) -> int:
    """Working hours as whole microseconds (rounded half to even)."""
    amount = Decimal(hours) * MICROSECONDS_PER_HOUR
    return int(amount.to_integral_value(rounding=ROUND_HALF_EVEN))


def microseconds_to_hours(microseconds: int) -> Decimal:
    return Decimal(microseconds) / Decimal(MICROSECONDS_PER_HOUR)


@lru_cache(maxsize=256)
def public_holidays(year: int) -> tuple[dict[dt.date, str], frozenset[dt.date]]:
    """The `holidays` package's Vietnamese public holidays (names in Vietnamese) and
    its make-up working days (weekend days worked in exchange for a bridge day)."""
    calendar = holidays.country_holidays("VN", years=year, language="vi")
    days = {day: str(name) for day, name in calendar.items() if day.year == year}
    makeup = frozenset(
        day for day in getattr(calendar, "weekend_workdays", ()) if day.year == year
    )
    return days, makeup


class _YearTable:
    """Which days of one year are working days, with cumulative counts:
    `cumulative[i]` is the number of working days among the year's first i days."""

    __slots__ = ("cumulative", "first", "working")

    def __init__(self, first: dt.date, working: list[bool]) -> None:
        self.first = first
        self.working = working
        self.cumulative = [0]
        for flag in working:
            self.cumulative.append(self.cumulative[-1] + flag)

    @property
    def total(self) -> int:
        return self.cumulative[-1]

    def before(self, day: dt.date) -> int:
        """Working days in this year strictly before `day`."""
        return self.cumulative[(day - self.first).days]

    def nth(self, count: int) -> dt.date:
        """The day on which the year's working-day count reaches `count` (1-based)."""
        index = bisect.bisect_left(self.cumulative, count)
        return self.first + dt.timedelta(days=index - 1)


class WorkCalendar:
    """Working days and office hours; pure computation once built."""

    def __init__(
        self,
        *,
        office_hours: Iterable[tuple[dt.time, dt.time]] = (
            (dt.time(7), dt.time(11, 30)),
            (dt.time(13, 30), dt.time(17)),
        ),
        weekend_days: Iterable[int] = (5, 6),
        hours_per_day: Decimal | int = 8,
        overrides: Mapping[dt.date, bool] | None = None,
        public_holidays_enabled: bool = True,
        time_zone: dt.tzinfo | None = None,
    ) -> None:
        self.office_hours = validate_office_hours(office_hours)
        self.weekend_days = frozenset(weekend_days)
        if not self.weekend_days <= set(range(7)) or len(self.weekend_days) == 7:
            raise ImproperlyConfigured(
                "Weekend days are weekday numbers 0-6 and leave at least one working day."
            )
        self.hours_per_day = Decimal(hours_per_day)
        if self.hours_per_day <= 0:
            raise ImproperlyConfigured("Hours per working day must be positive.")
        self.overrides: dict[dt.date, bool] = dict(overrides or {})
        self.public_holidays_enabled = public_holidays_enabled
        self.time_zone = time_zone or ZoneInfo("Asia/Ho_Chi_Minh")
        # Office intervals in microseconds since midnight, and working time
        # accumulated at the start of each interval.
        self._intervals = [
            (_microseconds(start), _microseconds(end))
            for start, end in self.office_hours
        ]
        self._worked_at_start: list[int] = []
        worked = 0
        for start, end in self._intervals:
            self._worked_at_start.append(worked)
            worked += end - start
        self.capacity = worked  # working microseconds in one working day
        self._years: dict[int, _YearTable] = {}
        self._lock = threading.Lock()

    # --- days ------------------------------------------------------------------------

    def _compute_working(self, day: dt.date) -> bool:
        override = self.overrides.get(day)
        if override is not None:
            return override
        if self.public_holidays_enabled:
            names, makeup = public_holidays(day.year)
            if day in makeup:
                return True
            if day in names:
                return False
        return day.weekday() not in self.weekend_days

    def _year(self, year: int) -> _YearTable:
        table = self._years.get(year)
        if table is None:
            first = dt.date(year, 1, 1)
            length = (dt.date(year, 12, 31) - first).days + 1
            days = (first + dt.timedelta(days=offset) for offset in range(length))
            table = _YearTable(first, [self._compute_working(day) for day in days])
            with self._lock:
                self._years[year] = table
        return table

    def is_working_day(self, day: dt.date) -> bool:
        table = self._year(day.year)
        return table.working[(day - table.first).days]

    def holiday_name(self, day: dt.date) -> str | None:
        """The public holiday's name from the `holidays` package, if any."""
        if not self.public_holidays_enabled:
            return None
        return public_holidays(day.year)[0].get(day)

    def _count_working_days(self, start: dt.date, end: dt.date) -> int:
        """Working days d with start <= d < end (0 when end <= start)."""
        if end <= start:
            return 0
        count = -self._year(start.year).before(start)
        for year in range(start.year, end.year):
            count += self._year(year).total
        return count + self._year(end.year).before(end)

    def _nth_working_day_after(self, day: dt.date, count: int) -> dt.date:
        """The `count`-th working day strictly after `day` (count >= 1)."""
        year = day.year
        table = self._year(year)
        target = table.before(day) + table.working[(day - table.first).days] + count
        while target > table.total:
            target -= table.total
            year += 1
            if year > 9999:
                raise OverflowError("Date beyond the supported calendar.")
            table = self._year(year)
        return table.nth(target)

    def next_working_day(self, day: dt.date) -> dt.date:
        return self._nth_working_day_after(day, 1)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days d with start < d <= end; negative when end is before start.

        Friday to the next Monday is 1; a day to itself is 0. Used for deadlines
        counted in whole days, such as answering feedback within N working days.
        """
        if end < start:
            return -self.working_days_between(end, start)
        one = dt.timedelta(days=1)
        return self._count_working_days(start + one, end + one)

    # --- moments -----------------------------------------------------------------------

    def _local(self, moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("Working-time arithmetic needs an aware datetime.")
        return moment.astimezone(self.time_zone)

    def _at(self, day: dt.date, microseconds: int) -> dt.datetime:
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=self.time_zone)
        return midnight + dt.timedelta(microseconds=microseconds)

    def _worked_before(self, microseconds: int) -> int:
        """Working microseconds of a working day elapsed at this time of day."""
        worked = 0
        for start, end in self._intervals:
            if microseconds <= start:
                break
            worked += min(microseconds, end) - start
        return worked

    def _time_at_worked(self, worked: int) -> int:
        """The earliest time of day at which `worked` microseconds have been worked
        (0 < worked <= capacity): the end of the last working hour, never the start
        of the next interval."""
        for (start, end), before in zip(
            self._intervals, self._worked_at_start, strict=True
        ):
            if worked <= before + (end - start):
                return start + worked - before
        raise ValueError("More working time than one working day holds.")

    def next_working_moment(self, moment: dt.datetime) -> dt.datetime:
        """`moment` itself during office hours on a working day, else the start of
        the next office interval (after 17:00 → 07:00 of the next working day; during
        lunch → 13:30)."""
        local = self._local(moment)
        day = local.date()
        if self.is_working_day(day):
            now = _microseconds(local.time())
            for start, end in self._intervals:
                if now < start:
                    return self._at(day, start)
                if now < end:
                    return local
        return self._at(self.next_working_day(day), self._intervals[0][0])

    def _position(self, moment: dt.datetime) -> tuple[dt.date, int]:
        """(working day, worked microseconds) of the next working moment."""
        start = self.next_working_moment(moment)
        return start.date(), self._worked_before(_microseconds(start.time()))

    def add_working_hours(
        self, start: dt.datetime, hours: Decimal | int
    ) -> dt.datetime:
        """The moment `hours` working hours after `start`.

        The result is the end of the last working hour: 07:00 Monday + 8 h is 17:00
        Monday, not 07:00 Tuesday. Adding zero hours returns `start` unchanged.
        """
        amount = hours_to_microseconds(hours)
        if amount < 0:
            raise ValueError("Working hours to add must not be negative.")
        if amount == 0:
            return self._local(start)
        day, worked = self._position(start)
        target = worked + amount
        if target > self.capacity:
            full_days, rest = divmod(target - self.capacity, self.capacity)
            if rest == 0:
                full_days, rest = full_days - 1, self.capacity
            day = self._nth_working_day_after(day, full_days + 1)
            target = rest
        return self._at(day, self._time_at_worked(target))

    def add_working_days(self, start: dt.datetime, days: Decimal | int) -> dt.datetime:
        """`days` working days after `start`, one day being `hours_per_day` hours."""
        return self.add_working_hours(start, Decimal(days) * self.hours_per_day)

    def working_hours_between(self, start: dt.datetime, end: dt.datetime) -> Decimal:
        """Working hours from `start` to `end`; negative when `end` is earlier.

        Inverse of `add_working_hours`: adding the result to `start` lands on `end`,
        or on the end of the working hour before it when `end` is outside office
        hours.
        """
        if end < start:
            return -self.working_hours_between(end, start)
        start_day, start_worked = self._position(start)
        end_day, end_worked = self._position(end)
        if start_day == end_day:
            return microseconds_to_hours(end_worked - start_worked)
        between = self._count_working_days(start_day + dt.timedelta(days=1), end_day)
        total = self.capacity - start_worked + between * self.capacity + end_worked
        return microseconds_to_hours(total)


# --- the process-wide calendar -----------------------------------------------------------


def calendar_from_settings(overrides: Mapping[dt.date, bool]) -> WorkCalendar:
    return WorkCalendar(
        office_hours=parse_office_hours(settings.WORKTIME_OFFICE_HOURS),
        weekend_days=settings.WORKTIME_WEEKEND_DAYS,
        hours_per_day=settings.WORKTIME_HOURS_PER_DAY,
        overrides=overrides,
        time_zone=ZoneInfo(settings.TIME_ZONE),
    )


def _load_overrides() -> dict[dt.date, bool]:
    from worktime.models import DayOverride  # noqa: PLC0415  (apps must be ready)

    return {
        day: kind == DayOverride.Kind.WORKING_DAY
        for day, kind in DayOverride.objects.values_list("date", "kind")
    }


# (version token, built at (monotonic seconds), calendar)
_cached: tuple[str | None, float, WorkCalendar] | None = None
_cached_lock = threading.Lock()
# Without the shared cache a process cannot hear about changes: it rebuilds its
# calendar from the database at most this often.
OFFLINE_REBUILD_SECONDS = 60.0


def _current_version() -> str | None:
    """The shared calendar version token, or None when the cache is unreachable."""
    try:
        version = cache.get(VERSION_CACHE_KEY)
        if version is None:
            cache.add(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(VERSION_CACHE_KEY)
    except (RedisError, OSError):
        logger.warning("Cache unreachable; building the working calendar afresh.")
        return None
    return str(version) if version is not None else None


def get_calendar() -> WorkCalendar:
    """The calendar for this process, rebuilt when the overrides' version changes.

    The version token lives in the shared Django cache, so an override saved in one
    process (admin, service) invalidates the calendar of every worker.
    """
    global _cached  # noqa: PLW0603  (a per-process cache is the point)
    version = _current_version()
    cached = _cached
    if cached is not None:
        cached_version, built_at, calendar = cached
        if version is not None and cached_version == version:
            return calendar
        if version is None and time.monotonic() - built_at < OFFLINE_REBUILD_SECONDS:
            return calendar
    calendar = calendar_from_settings(_load_overrides())
    with _cached_lock:
        _cached = (version, time.monotonic(), calendar)
    return calendar


def bump_calendar_version() -> None:
    """Invalidate every process's calendar. Call after the override change commits."""
    global _cached  # noqa: PLW0603
    with _cached_lock:
        _cached = None
    try:
        cache.set(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)
    except (RedisError, OSError):
        logger.warning("Cache unreachable; other processes keep their calendar.")


def clear_calendar_cache() -> None:
    """Forget this process's calendar (tests roll back override rows)."""
    global _cached  # noqa: PLW0603
    with _cached_lock:
        _cached = None
