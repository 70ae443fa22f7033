"""Working calendars as the business-time maths sees them: built from the rows, cached, chosen per ticket or agent.

A built calendar is kept per process and keyed by a version token in the shared cache; saving or deleting any
calendar row replaces the token (signals in apps.py), so every process rebuilds on its next use. The token also
expires after a minute, which bounds the lag where the cache is not shared (LocMem with several processes) and
after bulk updates that send no signals.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from functools import cache as memoize
from typing import Any

import holidays
from django.core.cache import cache
from django.utils import dates, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from otvet.accounts.models import Agent
from otvet.core import clock
from otvet.lib.business_time import ALWAYS, Hours, WorkingCalendar
from otvet.sla.models import Calendar, CalendarHours, CalendarOverride
from otvet.tickets.models import Ticket

VERSION_KEY = "otvet:sla:calendars-version"
VERSION_TTL = 60
# The production calendar is loaded for these years around today: SLA deadlines look days ahead, reports and dry
# runs look back.
YEARS_BACK, YEARS_AHEAD = 2, 3
MIDNIGHT = dt.time(0, 0)
# holidays names a transferred day off "Day off (substituted from MM/DD/YYYY)" in its en_US labels.
SUBSTITUTED = re.compile(r"(\d{2}/\d{2}/\d{4})")

# What this process built, under the version it was built for. The dict is replaced, never cleared, when the
# version changes: sync views run in threads, and another thread may be reading the old one.
_built: tuple[str, dict[int | str, Any]] = ("", {})
DEFAULT = "default"

# Cities of the Russian time zones, for the after-hours answer; other zones show their tz database city.
CITIES = {
    "Europe/Kaliningrad": gettext_lazy("Kaliningrad"),
    "Europe/Moscow": gettext_lazy("Moscow"),
    "Europe/Samara": gettext_lazy("Samara"),
    "Asia/Yekaterinburg": gettext_lazy("Yekaterinburg"),
    "Asia/Omsk": gettext_lazy("Omsk"),
    "Asia/Novosibirsk": gettext_lazy("Novosibirsk"),
    "Asia/Krasnoyarsk": gettext_lazy("Krasnoyarsk"),
    "Asia/Irkutsk": gettext_lazy("Irkutsk"),
    "Asia/Yakutsk": gettext_lazy("Yakutsk"),
    "Asia/Vladivostok": gettext_lazy("Vladivostok"),
    "Asia/Magadan": gettext_lazy("Magadan"),
    "Asia/Kamchatka": gettext_lazy("Petropavlovsk-Kamchatsky"),
}


def calendars_version() -> str:
    """The shared token that names the current state of all calendar rows."""
    version: str | None = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, VERSION_TTL)
        version = cache.get(VERSION_KEY) or ""
    return version


def calendars_changed(*args: Any, **kwargs: Any) -> None:
    """Make every process rebuild its calendars (connected to saves and deletes of calendar rows)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, VERSION_TTL)


def _hours(rows: Iterable[tuple[dt.time, dt.time]]) -> Hours:
    # 00:00 as a closing time is midnight at the end of the day.
    return tuple((opens, None if closes == MIDNIGHT else closes) for opens, closes in rows)


@memoize
def _production_calendar(first_year: int, last_year: int) -> tuple[frozenset[dt.date], dict[dt.date, int]]:
    """Russian days off, and each working weekend day with the weekday whose work it does (when known)."""
    days = holidays.country_holidays("RU", years=range(first_year, last_year + 1), language="en_US")
    days_off = frozenset(days)
    replaced: dict[dt.date, int] = {}
    for day, name in days.items():
        for found in SUBSTITUTED.findall(name):
            replaced[dt.datetime.strptime(found, "%m/%d/%Y").date()] = day.weekday()
    workdays = {day: replaced.get(day, 0) for day in days.weekend_workdays}
    return days_off, workdays


def working_calendar(calendar: Calendar) -> WorkingCalendar:
    """The calendar's weekly hours, with the Russian production calendar when it is on and the overrides on top."""
    weekly: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for row in CalendarHours.objects.filter(calendar=calendar).order_by("weekday", "opens"):
        weekly.setdefault(row.weekday, []).append((row.opens, row.closes))
    hours = {weekday: _hours(rows) for weekday, rows in weekly.items()}
    days_off: set[dt.date] = set()
    special: dict[dt.date, Hours] = {}
    if calendar.russian_holidays:
        year = clock.now().year
        holidays_off, workdays = _production_calendar(year - YEARS_BACK, year + YEARS_AHEAD)
        days_off |= holidays_off
        for day, weekday in workdays.items():
            # A working Saturday does the work of the weekday it was swapped with, else that of a Monday.
            day_hours = hours.get(weekday) or hours.get(0)
            if day_hours:
                special[day] = day_hours
    overrides: dict[dt.date, list[tuple[dt.time, dt.time]]] = {}
    closed: set[dt.date] = set()
    for override in CalendarOverride.objects.filter(calendar=calendar).order_by("date", "opens"):
        if override.opens is None or override.closes is None:
            closed.add(override.date)
        else:
            overrides.setdefault(override.date, []).append((override.opens, override.closes))
    for day, rows in overrides.items():
        special[day] = _hours(rows)
        days_off.discard(day)
    # An admin's day off wins over everything else on that date, their own hours included.
    for day in closed:
        special.pop(day, None)
        days_off.add(day)
    return WorkingCalendar(
        time_zone=calendar.time_zone, weekly=hours, days_off=frozenset(days_off), special_days=special
    )


def _current() -> dict[int | str, Any]:
    global _built
    version = calendars_version()
    if _built[0] != version:
        _built = (version, {})
    return _built[1]


def calendar_by_id(calendar_id: int) -> WorkingCalendar | None:
    """The built calendar with this id from the process cache (rebuilt when the rows changed); None if gone."""
    built = _current()
    if calendar_id not in built:
        calendar = Calendar.objects.filter(pk=calendar_id).first()
        built[calendar_id] = working_calendar(calendar) if calendar is not None else None
    result: WorkingCalendar | None = built[calendar_id]
    return result


def default_calendar() -> Calendar | None:
    """The calendar marked as default, used where neither a company nor a line sets one."""
    return Calendar.objects.filter(is_default=True).first()


def _default_calendar_id() -> int | None:
    built = _current()
    if DEFAULT not in built:
        built[DEFAULT] = Calendar.objects.filter(is_default=True).values_list("pk", flat=True).first()
    result: int | None = built[DEFAULT]
    return result


def calendar_for_ticket(ticket: Ticket) -> WorkingCalendar:
    """The company's calendar, else the line's, else the default one, else round the clock."""
    company = ticket.company if ticket.company_id is not None else None
    for calendar_id in (company.calendar_id if company else None, ticket.line.calendar_id, _default_calendar_id()):
        if calendar_id is not None:
            built = calendar_by_id(calendar_id)
            if built is not None:
                return built
    return ALWAYS


def calendar_for_agent(agent: Agent) -> WorkingCalendar | None:
    """The agent's shift schedule; None when they have none (they may get tickets at any time)."""
    return calendar_by_id(agent.schedule_id) if agent.schedule_id is not None else None


def _format_hours(hours: Hours) -> str:
    return ", ".join(f"{opens:%H:%M}–{'24:00' if closes is None else f'{closes:%H:%M}'}" for opens, closes in hours)


def _weekdays(first: int, last: int) -> str:
    if first == last:
        return str(dates.WEEKDAYS_ABBR[first])
    return f"{dates.WEEKDAYS_ABBR[first]}–{dates.WEEKDAYS_ABBR[last]}"


def _offset(cal: WorkingCalendar) -> str:
    offset = clock.now().astimezone(cal.zone).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    if not minutes:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'+' if minutes > 0 else '−'}{hours}" + (f":{rest:02d}" if rest else "")


def hours_text(cal: WorkingCalendar, language: str) -> str:
    """The usual weekly hours in words, e.g. «Пн–Пт 10:00–22:00 (Екатеринбург, UTC+5)», for customers."""
    with translation.override(language):
        groups: list[tuple[int, int, Hours]] = []
        for weekday in range(7):
            day_hours = cal.weekly.get(weekday, ())
            if groups and groups[-1][2] == day_hours and groups[-1][1] == weekday - 1:
                groups[-1] = (groups[-1][0], weekday, day_hours)
            elif day_hours:
                groups.append((weekday, weekday, day_hours))
        if groups == [(0, 6, ((MIDNIGHT, None),))]:
            schedule = _("round the clock")
        elif not groups:
            schedule = _("no working hours")
        else:
            schedule = ", ".join(f"{_weekdays(first, last)} {_format_hours(hours)}" for first, last, hours in groups)
        city = CITIES.get(cal.time_zone) or cal.time_zone.rsplit("/", 1)[-1].replace("_", " ")
        offset = _offset(cal)
        return f"{schedule} ({offset})" if city == offset else f"{schedule} ({city}, {offset})"
