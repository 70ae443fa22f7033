"""Working calendars from their rows: the production calendar, overrides, the process cache and who uses which."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from otvet.accounts.factories import AgentFactory, UserFactory
from otvet.customers.factories import CompanyFactory, ContactFactory
from otvet.lib.business_time import ALWAYS, add_working_time, is_working_time, working_time_between
from otvet.sla.calendars import (
    calendar_by_id,
    calendar_for_agent,
    calendar_for_ticket,
    calendars_changed,
    default_calendar,
    hours_text,
    working_calendar,
)
from otvet.sla.models import Calendar, CalendarHours, CalendarOverride
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import Line

pytestmark = pytest.mark.django_db

YEKATERINBURG = ZoneInfo("Asia/Yekaterinburg")
MOSCOW = ZoneInfo("Europe/Moscow")
TODAY = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def at(zone: ZoneInfo, year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=zone)


def office(name: str = "Офис", *, russian_holidays: bool = True, tuesday: tuple[int, int] = (10, 22)) -> Calendar:
    """Mon–Fri 10:00–22:00 in Moscow (Tuesday's hours may differ)."""
    calendar = Calendar.objects.create(name=name, time_zone="Europe/Moscow", russian_holidays=russian_holidays)
    for weekday in range(5):
        opens, closes = tuesday if weekday == 1 else (10, 22)
        CalendarHours.objects.create(calendar=calendar, weekday=weekday, opens=dt.time(opens), closes=dt.time(closes))
    return calendar


def test_the_seeded_default_is_the_support_schedule_and_new_years_holidays_are_off():
    default = default_calendar()
    assert default is not None and default.name == "Основной график"
    cal = working_calendar(default)
    assert cal.time_zone == "Asia/Yekaterinburg"
    assert not is_working_time(cal, at(YEKATERINBURG, 2026, 1, 5, 12))  # a Monday of the New Year holidays
    assert is_working_time(cal, at(YEKATERINBURG, 2026, 1, 12, 12))
    assert not is_working_time(cal, at(YEKATERINBURG, 2026, 11, 4, 12))  # Unity Day, a Wednesday
    friday = at(YEKATERINBURG, 2026, 11, 20, 21, 50)
    assert add_working_time(cal, friday, dt.timedelta(minutes=30)) == at(YEKATERINBURG, 2026, 11, 23, 10, 20)


def test_the_seeded_round_the_clock_calendar_works_through_midnight_and_holidays():
    duty = working_calendar(Calendar.objects.get(name="Круглосуточно"))
    new_year = at(MOSCOW, 2026, 1, 1, 0)
    assert working_time_between(duty, new_year, new_year + dt.timedelta(days=3)) == dt.timedelta(days=3)


def test_a_transferred_working_saturday_works_with_the_hours_of_the_day_it_replaces():
    calendar = office(tuesday=(9, 18))
    with time_machine.travel(dt.datetime(2025, 6, 1, tzinfo=dt.UTC), tick=False):
        cal = working_calendar(calendar)
    # 2024-04-27 worked for Monday 2024-04-29, 2024-11-02 for Tuesday 2024-04-30.
    assert cal.hours_on(dt.date(2024, 4, 27)) == ((dt.time(10), dt.time(22)),)
    assert cal.hours_on(dt.date(2024, 11, 2)) == ((dt.time(9), dt.time(18)),)
    assert is_working_time(cal, at(MOSCOW, 2024, 11, 2, 17))
    assert not is_working_time(cal, at(MOSCOW, 2024, 11, 9, 17))  # an ordinary Saturday
    assert not is_working_time(cal, at(MOSCOW, 2024, 4, 29, 12))  # the day off it was swapped with


def test_without_the_production_calendar_holidays_are_ordinary_weekdays():
    cal = working_calendar(office(russian_holidays=False))
    assert is_working_time(cal, at(MOSCOW, 2026, 1, 5, 12))
    assert not cal.special_days


def test_an_override_day_off_and_override_hours():
    calendar = office()
    CalendarOverride.objects.create(calendar=calendar, date=dt.date(2026, 12, 1), note="Переезд")
    CalendarOverride.objects.create(calendar=calendar, date=dt.date(2026, 12, 5), opens=dt.time(11), closes=dt.time(15))
    CalendarOverride.objects.create(calendar=calendar, date=dt.date(2026, 11, 4), opens=dt.time(12), closes=dt.time(0))
    cal = working_calendar(calendar)
    assert not is_working_time(cal, at(MOSCOW, 2026, 12, 1, 12))
    saturday = at(MOSCOW, 2026, 12, 5, 10)
    assert working_time_between(cal, saturday, saturday + dt.timedelta(days=1)) == dt.timedelta(hours=4)
    # Admin hours win over a holiday; a 00:00 close is midnight.
    assert cal.hours_on(dt.date(2026, 11, 4)) == ((dt.time(12), None),)
    assert is_working_time(cal, at(MOSCOW, 2026, 11, 4, 23, 59))


def test_an_override_day_off_wins_over_a_working_saturday():
    calendar = office()
    CalendarOverride.objects.create(calendar=calendar, date=dt.date(2027, 2, 20))
    assert dt.date(2027, 2, 20) in working_calendar(office("Другой")).special_days
    cal = working_calendar(calendar)
    assert cal.hours_on(dt.date(2027, 2, 20)) == ()


def test_a_built_calendar_is_cached_until_a_row_changes(django_assert_num_queries):
    calendar = office(russian_holidays=False)
    first = calendar_by_id(calendar.pk)
    with django_assert_num_queries(0):
        assert calendar_by_id(calendar.pk) is first
    CalendarHours.objects.create(calendar=calendar, weekday=5, opens=dt.time(10), closes=dt.time(14))
    second = calendar_by_id(calendar.pk)
    assert second is not first and second is not None
    assert is_working_time(second, at(MOSCOW, 2026, 11, 21, 12))
    CalendarOverride.objects.create(calendar=calendar, date=dt.date(2026, 11, 21))
    third = calendar_by_id(calendar.pk)
    assert third is not None and not is_working_time(third, at(MOSCOW, 2026, 11, 21, 12))


def test_another_process_changing_a_calendar_is_seen_through_the_shared_version():
    calendar = office(russian_holidays=False)
    first = calendar_by_id(calendar.pk)
    # Rows changed without signals (a bulk update); the process that did it announces the change.
    CalendarHours.objects.filter(calendar=calendar).update(opens=dt.time(8))
    assert calendar_by_id(calendar.pk) is first
    calendars_changed()
    rebuilt = calendar_by_id(calendar.pk)
    assert rebuilt is not None and rebuilt.weekly[0] == ((dt.time(8), dt.time(22)),)


def test_a_deleted_calendar_is_no_calendar():
    calendar = office()
    calendar_id = calendar.pk
    assert calendar_by_id(calendar_id) is not None
    calendar.delete()
    assert calendar_by_id(calendar_id) is None


def test_a_ticket_uses_its_companys_calendar_then_its_lines_then_the_default_then_round_the_clock():
    company_calendar, line_calendar = office("Компания"), office("Линия", tuesday=(9, 18))
    company = CompanyFactory.create()
    ticket = open_ticket(ContactFactory.create(company=company))
    default = default_calendar()
    assert default is not None
    assert calendar_for_ticket(ticket).weekly == working_calendar(default).weekly

    Line.objects.filter(pk=ticket.line_id).update(calendar=line_calendar)
    ticket.line.refresh_from_db()
    assert calendar_for_ticket(ticket).hours_on(dt.date(2026, 11, 24)) == ((dt.time(9), dt.time(18)),)

    company.calendar = company_calendar
    company.save(update_fields=["calendar"])
    ticket.company = company
    assert calendar_for_ticket(ticket).hours_on(dt.date(2026, 11, 24)) == ((dt.time(10), dt.time(22)),)

    company.calendar = None
    company.save(update_fields=["calendar"])
    ticket.company = company
    Line.objects.filter(pk=ticket.line_id).update(calendar=None)
    ticket.line.refresh_from_db()
    Calendar.objects.filter(is_default=True).update(is_default=False)
    calendars_changed()
    assert calendar_for_ticket(ticket) is ALWAYS


def test_an_agent_without_a_schedule_has_no_calendar():
    agent = AgentFactory.create()
    assert calendar_for_agent(agent) is None
    agent.schedule = Calendar.objects.get(name="Круглосуточно")
    assert calendar_for_agent(agent) is not None


def test_the_hours_in_words_for_the_after_hours_answer():
    support = calendar_by_id(Calendar.objects.get(name="Основной график").pk)
    assert support is not None
    assert hours_text(support, "en") == "Mon–Fri 10:00–22:00 (Yekaterinburg, UTC+5)"
    assert hours_text(support, "ru").startswith("Пн–Пт 10:00–22:00 (")
    assert hours_text(support, "ru").endswith(", UTC+5)")
    split = office(russian_holidays=False, tuesday=(9, 18))
    CalendarHours.objects.create(calendar=split, weekday=5, opens=dt.time(10), closes=dt.time(14))
    assert hours_text(working_calendar(split), "en") == "Mon 10:00–22:00, Tue 09:00–18:00, Wed–Fri 10:00–22:00, " + (
        "Sat 10:00–14:00 (Moscow, UTC+3)"
    )
    assert hours_text(ALWAYS, "en") == "round the clock (UTC)"


def test_the_admin_lists_calendars_and_policies_and_shows_a_calendars_usual_hours(client):
    client.force_login(UserFactory.create(email="root@example.com", is_staff=True, is_superuser=True))
    support = Calendar.objects.get(name="Основной график")
    for page in (
        "/admin/sla/calendar/",
        "/admin/sla/calendar/add/",
        "/admin/sla/slapolicy/",
        "/admin/sla/slapolicy/add/",
    ):
        assert client.get(page).status_code == 200, page
    change = client.get(f"/admin/sla/calendar/{support.pk}/change/")
    assert change.status_code == 200
    assert "10:00–22:00" in change.content.decode() and 'value="Asia/Yekaterinburg" selected' in change.content.decode()
