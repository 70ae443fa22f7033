"""Working-time arithmetic over a calendar of local working hours; pure (zoneinfo and datetime, no Django).

A calendar is weekly local hours per weekday, dates off, and special dates whose hours replace the weekday's.
Hours are wall-clock: 10:00–22:00 in Berlin is ten to ten local time on either side of a DST change. A local
time that does not exist (the hour skipped in spring) is taken as the moment of the jump; one that happens twice
(autumn) opens at its first occurrence and closes at its second, so an interval covers every moment at which the
clock showed a time inside it. All functions take aware datetimes and answer in UTC; they walk interval by
interval, never minute by minute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import ZoneInfo

UTC = dt.UTC
ONE_DAY = dt.timedelta(days=1)
MIDNIGHT = dt.time(0, 0)
# A calendar that has no working time for this many consecutive days is treated as having none at all.
LOOKAHEAD_DAYS = 3 * 366
# Built days kept per calendar; SLA sweeps ask the same few weeks over and over.
DAY_CACHE_SIZE = 4096

Hours = tuple[tuple[dt.time, dt.time | None], ...]
Interval = tuple[dt.datetime, dt.datetime]


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@dataclass(frozen=True)
class WorkingCalendar:
    """Local working hours by weekday (0 = Monday; a None close is midnight), dates off, and special dates."""

    time_zone: str
    weekly: Mapping[int, Hours]
    days_off: frozenset[dt.date] = frozenset()
    # Working Saturdays and admins' hours for a date: they replace the weekday's hours and win over days_off.
    special_days: Mapping[dt.date, Hours] = field(default_factory=dict)
    _days: dict[dt.date, tuple[Interval, ...]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _zone(self.time_zone)  # an unknown zone fails here, not in the middle of a deadline computation

    @property
    def zone(self) -> ZoneInfo:
        return _zone(self.time_zone)

    def hours_on(self, day: dt.date) -> Hours:
        """The local working hours of a date: special hours, else none on a day off, else the weekday's."""
        if day in self.special_days:
            return self.special_days[day]
        if day in self.days_off:
            return ()
        return self.weekly.get(day.weekday(), ())

    def intervals_on(self, day: dt.date) -> tuple[Interval, ...]:
        """The working intervals of a local date as aware UTC moments, sorted and merged."""
        cached = self._days.get(day)
        if cached is not None:
            return cached
        intervals = _merge(sorted(_interval(day, opens, closes, self.zone) for opens, closes in self.hours_on(day)))
        if len(self._days) >= DAY_CACHE_SIZE:
            self._days.clear()
        self._days[day] = intervals
        return intervals

    @property
    def has_hours(self) -> bool:
        """Whether any weekday or special date has hours at all (else nothing can ever be due)."""
        return any(self.weekly.values()) or any(self.special_days.values())


ALWAYS = WorkingCalendar(time_zone="UTC", weekly={weekday: ((MIDNIGHT, None),) for weekday in range(7)})


def _instant(day: dt.date, time: dt.time, zone: ZoneInfo, *, closing: bool) -> dt.datetime:
    """The UTC moment of a local wall-clock time, resolving skipped and repeated times (see the module)."""
    naive = dt.datetime.combine(day, time)
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if first == second:
        return first
    if first < second:  # repeated: fold 0 is the earlier occurrence
        return second if closing else first
    return _jump(zone, second, first)


def _jump(zone: ZoneInfo, before: dt.datetime, after: dt.datetime) -> dt.datetime:
    """The moment of the clock change between two UTC moments with different offsets, to the second."""
    offset = after.astimezone(zone).utcoffset()
    while after - before > dt.timedelta(seconds=1):
        middle = before + (after - before) / 2
        if middle.astimezone(zone).utcoffset() == offset:
            after = middle
        else:
            before = middle
    # Clock changes fall on whole seconds; `after` is within a second past the change.
    return after.replace(microsecond=0)


def _interval(day: dt.date, opens: dt.time, closes: dt.time | None, zone: ZoneInfo) -> Interval:
    start = _instant(day, opens, zone, closing=False)
    if closes is None:
        # Resolved as the next day's opening is, so that a day closing at midnight meets the next one exactly.
        return start, _instant(day + ONE_DAY, MIDNIGHT, zone, closing=False)
    return start, _instant(day, closes, zone, closing=True)


def _merge(intervals: list[Interval]) -> tuple[Interval, ...]:
    merged: list[Interval] = []
    for start, end in intervals:
        if end <= start:
            continue  # closes before it opens (inside a skipped hour): no working time
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("business time needs aware datetimes")
    return moment.astimezone(UTC)


def _intervals_from(cal: WorkingCalendar, moment: dt.datetime, until: dt.datetime | None = None) -> Iterator[Interval]:
    """Working intervals from `moment` on (the first clipped to start there), in order and without overlaps.

    Without `until` the walk is endless, so it fails when a long stretch has no working time at all.
    """
    if until is None and not cal.has_hours:
        raise ValueError(f"calendar in {cal.time_zone} has no working hours")
    # From the day before: a repeated hour can push the previous local day's end past local midnight.
    day = moment.astimezone(cal.zone).date() - ONE_DAY
    last_end: dt.datetime | None = None
    idle_days = 0
    while True:
        found = False
        for start, end in cal.intervals_on(day):
            if until is not None and start >= until:
                return
            if last_end is not None and start < last_end:
                start = last_end
            if end <= start:
                continue
            last_end = end
            if end <= moment:
                continue
            found = True
            yield max(start, moment), end
        if until is not None and dt.datetime.combine(day, MIDNIGHT, tzinfo=UTC) > until + 2 * ONE_DAY:
            return
        idle_days = 0 if found else idle_days + 1
        if until is None and idle_days > LOOKAHEAD_DAYS:
            raise ValueError(f"calendar in {cal.time_zone} has no working time within {LOOKAHEAD_DAYS} days")
        day += ONE_DAY


def is_working_time(cal: WorkingCalendar, moment: dt.datetime) -> bool:
    """Whether `moment` falls inside a working interval (an interval's end is outside it)."""
    moment = _utc(moment)
    local = moment.astimezone(cal.zone).date()
    return any(
        start <= moment < end
        for day in (local - ONE_DAY, local, local + ONE_DAY)
        for start, end in cal.intervals_on(day)
    )


def next_working_moment(cal: WorkingCalendar, moment: dt.datetime) -> dt.datetime:
    """`moment` itself when working, else the start of the next working interval."""
    moment = _utc(moment)
    for start, _end in _intervals_from(cal, moment):
        return start
    raise AssertionError("unreachable: the walk without a bound ends only by raising")


def add_working_time(cal: WorkingCalendar, start: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """The moment at which `delta` of working time has passed since `start`; `start` itself for no time."""
    start = _utc(start)
    if delta < dt.timedelta(0):
        raise ValueError("working time to add must not be negative")
    if not delta:
        return start
    remaining = delta
    for opens, closes in _intervals_from(cal, start):
        span = closes - opens
        if remaining <= span:
            return opens + remaining
        remaining -= span
    raise AssertionError("unreachable: the walk without a bound ends only by raising")


def working_time_between(cal: WorkingCalendar, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """How much working time lies between two moments; none when `end` is not after `start`."""
    start, end = _utc(start), _utc(end)
    total = dt.timedelta(0)
    if end <= start:
        return total
    for opens, closes in _intervals_from(cal, start, until=end):
        total += min(closes, end) - opens
    return total
