"""Working-time arithmetic: examples a support manager would check by hand, and properties over random calendars."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from otvet.lib.business_time import (
    ALWAYS,
    Hours,
    WorkingCalendar,
    add_working_time,
    is_working_time,
    next_working_moment,
    working_time_between,
)

UTC = dt.UTC
YEKATERINBURG = ZoneInfo("Asia/Yekaterinburg")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
ZONES = ("UTC", "Asia/Yekaterinburg", "Europe/Berlin", "America/New_York")
WEEKDAYS_10_22: Hours = ((dt.time(10), dt.time(22)),)
SUPPORT = WorkingCalendar(
    time_zone="Asia/Yekaterinburg",
    weekly={weekday: WEEKDAYS_10_22 for weekday in range(5)},
    days_off=frozenset({dt.date(2026, 1, 5)}),
    special_days={dt.date(2024, 4, 27): WEEKDAYS_10_22},
)
MINUTE = dt.timedelta(minutes=1)


def local(zone: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=zone)


def test_a_request_late_on_friday_is_due_on_monday_morning():
    friday = local(YEKATERINBURG, 2026, 11, 20, 21, 50)
    due = add_working_time(SUPPORT, friday, 30 * MINUTE)
    assert due == local(YEKATERINBURG, 2026, 11, 23, 10, 20)
    assert due.tzinfo == UTC
    assert working_time_between(SUPPORT, friday, due) == 30 * MINUTE


def test_a_holiday_is_skipped():
    # 2026-01-05 is a Monday off: Friday evening's request waits until Tuesday.
    friday = local(YEKATERINBURG, 2026, 1, 2, 21, 0)
    assert add_working_time(SUPPORT, friday, 90 * MINUTE) == local(YEKATERINBURG, 2026, 1, 6, 10, 30)
    assert not is_working_time(SUPPORT, local(YEKATERINBURG, 2026, 1, 5, 12, 0))
    assert working_time_between(SUPPORT, local(YEKATERINBURG, 2026, 1, 5), local(YEKATERINBURG, 2026, 1, 6)) == (
        dt.timedelta(0)
    )


def test_a_working_saturday_works():
    saturday = local(YEKATERINBURG, 2024, 4, 27, 9, 0)
    assert is_working_time(SUPPORT, saturday.replace(hour=12))
    assert not is_working_time(SUPPORT, saturday.replace(day=20, hour=12))  # an ordinary Saturday
    assert next_working_moment(SUPPORT, saturday) == saturday.replace(hour=10)
    assert add_working_time(SUPPORT, saturday, 60 * MINUTE) == saturday.replace(hour=11)


def test_no_time_added_is_the_start_itself_even_off_hours():
    night = local(YEKATERINBURG, 2026, 11, 21, 3, 0)
    assert add_working_time(SUPPORT, night, dt.timedelta(0)) == night


def test_a_moment_inside_working_hours_is_its_own_next_working_moment():
    moment = local(YEKATERINBURG, 2026, 11, 20, 12, 34)
    assert next_working_moment(SUPPORT, moment) == moment
    assert next_working_moment(SUPPORT, moment.replace(hour=22)) == local(YEKATERINBURG, 2026, 11, 23, 10, 0)


def test_a_calendar_without_working_time_raises_instead_of_looping():
    empty = WorkingCalendar(time_zone="UTC", weekly={})
    only_past = WorkingCalendar(time_zone="UTC", weekly={}, special_days={dt.date(2020, 1, 1): WEEKDAYS_10_22})
    start = dt.datetime(2026, 1, 1, tzinfo=UTC)
    for calendar in (empty, only_past):
        with pytest.raises(ValueError):
            add_working_time(calendar, start, MINUTE)
        with pytest.raises(ValueError):
            next_working_moment(calendar, start)
        assert working_time_between(calendar, start, start + dt.timedelta(days=30)) == dt.timedelta(0)
        assert not is_working_time(calendar, start)


def test_naive_moments_and_negative_time_are_refused():
    with pytest.raises(ValueError):
        add_working_time(ALWAYS, dt.datetime(2026, 1, 1), MINUTE)
    with pytest.raises(ValueError):
        add_working_time(ALWAYS, dt.datetime(2026, 1, 1, tzinfo=UTC), -MINUTE)


def test_an_unknown_time_zone_fails_when_the_calendar_is_built():
    with pytest.raises(KeyError):
        WorkingCalendar(time_zone="Mars/Olympus", weekly={})


def test_a_round_the_clock_day_lasts_23_or_25_hours_on_dst_changes():
    always_berlin = WorkingCalendar(time_zone="Europe/Berlin", weekly={d: ((dt.time(0), None),) for d in range(7)})
    spring, autumn = dt.date(2025, 3, 30), dt.date(2025, 10, 26)
    assert sum((end - start for start, end in always_berlin.intervals_on(spring)), dt.timedelta()) == dt.timedelta(
        hours=23
    )
    assert sum((end - start for start, end in always_berlin.intervals_on(autumn)), dt.timedelta()) == dt.timedelta(
        hours=25
    )


def test_office_hours_keep_to_the_wall_clock_across_dst():
    office = WorkingCalendar(time_zone="America/New_York", weekly={d: WEEKDAYS_10_22 for d in range(5)})
    before, after = dt.date(2025, 11, 3), dt.date(2025, 10, 31)  # a Monday after and a Friday before the change
    for day in (before, after):
        ((start, end),) = office.intervals_on(day)
        assert start.astimezone(NEW_YORK).time() == dt.time(10) and end - start == dt.timedelta(hours=12)
    friday = local(NEW_YORK, 2025, 10, 31, 21, 30)
    assert add_working_time(office, friday, 60 * MINUTE) == local(NEW_YORK, 2025, 11, 3, 10, 30)


def test_a_skipped_opening_hour_opens_at_the_jump_and_a_repeated_one_spans_both():
    night = WorkingCalendar(time_zone="Europe/Berlin", weekly={6: ((dt.time(2, 30), dt.time(3, 30)),)})
    # 2025-03-30: 02:00 CET jumps to 03:00 CEST, the moment 01:00 UTC.
    assert night.intervals_on(dt.date(2025, 3, 30)) == (
        (dt.datetime(2025, 3, 30, 1, 0, tzinfo=UTC), dt.datetime(2025, 3, 30, 1, 30, tzinfo=UTC)),
    )
    # 2025-10-26: 02:00–03:00 happens twice; from the first 02:30 (CEST) to 03:30 (CET).
    assert night.intervals_on(dt.date(2025, 10, 26)) == (
        (dt.datetime(2025, 10, 26, 0, 30, tzinfo=UTC), dt.datetime(2025, 10, 26, 2, 30, tzinfo=UTC)),
    )


def test_overlapping_hours_of_one_day_count_once():
    doubled = WorkingCalendar(time_zone="UTC", weekly={0: ((dt.time(9), dt.time(12)), (dt.time(11), dt.time(13)))})
    monday = dt.datetime(2026, 11, 23, tzinfo=UTC)
    assert working_time_between(doubled, monday, monday + dt.timedelta(days=1)) == dt.timedelta(hours=4)


# Properties over random calendars ---------------------------------------------------------------------------------

HALF_HOURS = st.integers(min_value=0, max_value=48)


def _as_time(half_hours: int) -> dt.time:
    return dt.time(half_hours // 2, 30 * (half_hours % 2))


@st.composite
def day_hours(draw: st.DrawFn) -> Hours:
    """Up to two intervals on half-hour marks (02:30 hits the DST gap and repeat); 24:00 is a None close."""
    marks = sorted(draw(st.sets(HALF_HOURS, max_size=4)))
    hours = []
    for opens, closes in zip(marks[::2], marks[1::2], strict=False):
        hours.append((_as_time(opens), None if closes == 48 else _as_time(closes)))
    return tuple(hours)


DATES = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31))


@st.composite
def calendars(draw: st.DrawFn) -> WorkingCalendar:
    weekly = {weekday: draw(day_hours()) for weekday in range(7)}
    if not any(weekly.values()):
        weekly[0] = WEEKDAYS_10_22
    return WorkingCalendar(
        time_zone=draw(st.sampled_from(ZONES)),
        weekly=weekly,
        days_off=frozenset(draw(st.sets(DATES, max_size=40))),
        special_days=draw(st.dictionaries(DATES, day_hours(), max_size=10)),
    )


# Around the DST changes of 2025 in Europe and America, or anywhere in three years.
DST_CHANGES = [dt.datetime(2025, 3, 9, 7), dt.datetime(2025, 3, 30, 1), dt.datetime(2025, 10, 26, 1)]
DST_CHANGES += [dt.datetime(2025, 11, 2, 6)]
MOMENTS = st.one_of(
    st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2026, 12, 31), timezones=st.just(UTC)),
    st.builds(
        lambda change, seconds: (change + dt.timedelta(seconds=seconds)).replace(tzinfo=UTC),
        st.sampled_from(DST_CHANGES),
        st.integers(min_value=-2 * 86400, max_value=2 * 86400),
    ),
)
DURATIONS = st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(hours=300))
PROPERTIES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTIES
@given(calendars(), MOMENTS, DURATIONS)
def test_the_working_time_between_a_start_and_its_deadline_is_what_was_added(cal, start, delta):
    assert working_time_between(cal, start, add_working_time(cal, start, delta)) == delta


@PROPERTIES
@given(calendars(), MOMENTS, DURATIONS, DURATIONS)
def test_adding_is_additive(cal, start, first, second):
    assert add_working_time(cal, add_working_time(cal, start, first), second) == add_working_time(
        cal, start, first + second
    )


@PROPERTIES
@given(calendars(), MOMENTS, MOMENTS, DURATIONS, DURATIONS)
def test_adding_is_monotonic_in_the_start_and_the_duration(cal, one, other, first, second):
    early, late = sorted((one, other))
    short, long = sorted((first, second))
    assert add_working_time(cal, early, short) <= add_working_time(cal, early, long)
    assert add_working_time(cal, early, short) <= add_working_time(cal, late, short)


@PROPERTIES
@given(calendars(), MOMENTS, DURATIONS.filter(bool))
def test_a_deadline_lies_in_working_time_or_at_the_end_of_an_interval(cal, start, delta):
    due = add_working_time(cal, start, delta)
    day = due.astimezone(cal.zone).date()
    ends = {end for d in (day - dt.timedelta(days=1), day) for _, end in cal.intervals_on(d)}
    assert is_working_time(cal, due) or due in ends
    assert is_working_time(cal, due - dt.timedelta(microseconds=1))


@PROPERTIES
@given(calendars(), MOMENTS, MOMENTS, MOMENTS)
def test_working_time_between_adds_up_over_a_split_point(cal, one, two, three):
    start, middle, end = sorted((one, two, three))
    whole = working_time_between(cal, start, end)
    assert whole == working_time_between(cal, start, middle) + working_time_between(cal, middle, end)
    assert dt.timedelta(0) <= whole <= end - start
    assert working_time_between(cal, end, start) == dt.timedelta(0)


@PROPERTIES
@given(calendars(), MOMENTS)
def test_the_next_working_moment_is_working_and_nothing_works_before_it(cal, moment):
    following = next_working_moment(cal, moment)
    assert following >= moment and is_working_time(cal, following)
    assert working_time_between(cal, moment, following) == dt.timedelta(0)
    assert (following == moment) == is_working_time(cal, moment)


@PROPERTIES
@given(calendars(), DATES)
def test_hours_open_at_their_wall_clock_time_away_from_dst_changes(cal, day):
    intervals = cal.intervals_on(day)
    for opens, _closes in cal.hours_on(day):
        naive = dt.datetime.combine(day, opens)
        moment = naive.replace(tzinfo=cal.zone).astimezone(UTC)
        if moment != naive.replace(tzinfo=cal.zone, fold=1).astimezone(UTC):
            continue  # a skipped or repeated wall-clock time: see the DST example tests
        # Merged intervals: an opening inside another interval of the day is no start of its own.
        assert any(start == moment for start, _ in intervals) or any(start < moment < end for start, end in intervals)


@PROPERTIES
@given(MOMENTS, DURATIONS, MOMENTS)
def test_round_the_clock_is_plain_arithmetic(start, delta, other):
    assert add_working_time(ALWAYS, start, delta) == start + delta
    assert working_time_between(ALWAYS, start, other) == max(other - start, dt.timedelta(0))
    assert is_working_time(ALWAYS, start) and next_working_moment(ALWAYS, start) == start
