"""SLA clocks end to end: events move them, the sweep warns and breaches them, in frozen working time.

The default calendar works weekdays 10:00–22:00 in Asia/Yekaterinburg (UTC+5), i.e. 05:00–17:00 UTC; the Premium
policy answers first within 30 working minutes, next within 60, resolves within 720, and warns 10 minutes ahead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import time_machine

from otvet.automation.models import Timer
from otvet.automation.timers import timers_sweep
from otvet.sla.choices import ClockEntryKind, SlaState, SlaTarget
from otvet.sla.handlers import sla_events_handler
from otvet.sla.models import SlaClock, SlaClockEntry, SlaPolicy
from otvet.testing.fixtures import World
from otvet.tickets.choices import EventKind, Priority
from otvet.tickets.events import events_process
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import Status, Ticket, TicketEvent
from otvet.tickets.services import (
    ticket_add_note,
    ticket_change_status,
    ticket_reopen,
    ticket_reply,
    ticket_resolve,
    ticket_update_fields,
)

UTC = dt.UTC
MONDAY = dt.datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # 13:00 in Yekaterinburg, a working Monday
FRIDAY_EVENING = dt.datetime(2026, 12, 11, 16, 0, tzinfo=UTC)  # 21:00 local: one working hour left
NEXT_MONDAY = dt.datetime(2026, 12, 14, 6, 0, tzinfo=UTC)  # 11:00 local


@contextmanager
def at(moment: dt.datetime) -> Iterator[None]:
    with time_machine.travel(moment, tick=False):
        yield


def process(ticket: Ticket) -> None:
    """Run the outbox for a ticket's committed events, as the worker does after commit."""
    pending = TicketEvent.objects.filter(ticket=ticket, processed_at__isnull=True).order_by("created_at", "id")
    events_process(list(pending.values_list("pk", flat=True)))


def clock_of(ticket: Ticket, target: str) -> SlaClock:
    return SlaClock.objects.get(ticket=ticket, target=target)


def kinds(ticket: Ticket, target: str) -> list[str]:
    return list(SlaClockEntry.objects.filter(ticket=ticket, target=target).values_list("kind", flat=True))


def sweep(moment: dt.datetime) -> int:
    with at(moment):
        return timers_sweep(moment)


@pytest.fixture
def opened(world: World) -> Ticket:
    """A Premium customer's ticket opened on a working Monday afternoon, its creation processed."""
    with at(MONDAY):
        ticket = open_ticket(world.users["customer"].contact, "Не работает выгрузка")
        process(ticket)
    return Ticket.objects.get(pk=ticket.pk)


def reply(world: World, ticket: Ticket, moment: dt.datetime, role: str = "agent") -> None:
    with at(moment):
        ticket_reply(ticket=ticket, actor=world.actor(role), body="Ответ")
        process(ticket)


def test_opening_starts_first_response_and_resolution_under_the_plan_policy(opened: Ticket) -> None:
    first = clock_of(opened, SlaTarget.FIRST_RESPONSE)
    assert first.policy is not None and first.policy.name == "Премиум"
    assert first.due_at == MONDAY + dt.timedelta(minutes=30)
    # 720 working minutes: nine hours on Monday (13:00–22:00 local), three on Tuesday.
    assert clock_of(opened, SlaTarget.RESOLUTION).due_at == MONDAY + dt.timedelta(hours=24)
    assert (opened.sla_state, opened.sla_due_at) == (SlaState.DUE, MONDAY + dt.timedelta(minutes=30))
    assert opened.first_response_due_at == MONDAY + dt.timedelta(minutes=30)
    assert opened.resolution_due_at == MONDAY + dt.timedelta(hours=24)
    assert opened.sla_policy is not None
    timers = dict(Timer.objects.filter(ticket=opened).values_list("key", "due_at"))
    assert timers == {
        "sla:first_response:warn": MONDAY + dt.timedelta(minutes=20),
        "sla:first_response:breach": MONDAY + dt.timedelta(minutes=30),
        "sla:resolution:warn": MONDAY + dt.timedelta(hours=24) - dt.timedelta(minutes=10),
        "sla:resolution:breach": MONDAY + dt.timedelta(hours=24),
    }


def test_the_first_public_agent_reply_meets_the_first_response(world: World, opened: Ticket) -> None:
    with at(MONDAY + dt.timedelta(minutes=5)):
        ticket_add_note(ticket=opened, actor=world.actor("agent"), body="Смотрю")
        process(opened)
    assert clock_of(opened, SlaTarget.FIRST_RESPONSE).state == SlaState.DUE  # a note answers nobody
    reply(world, opened, MONDAY + dt.timedelta(minutes=10))
    first = clock_of(opened, SlaTarget.FIRST_RESPONSE)
    assert (first.state, first.met_at, first.due_at) == (SlaState.MET, MONDAY + dt.timedelta(minutes=10), None)
    assert kinds(opened, SlaTarget.FIRST_RESPONSE) == [ClockEntryKind.STARTED, ClockEntryKind.MET]
    ticket = Ticket.objects.get(pk=opened.pk)
    assert ticket.first_response_due_at is None
    assert (ticket.sla_state, ticket.sla_due_at) == (SlaState.DUE, MONDAY + dt.timedelta(hours=24))
    assert not Timer.objects.filter(ticket=opened, key__startswith="sla:first_response").exists()
    assert sweep(MONDAY + dt.timedelta(minutes=31)) == 0


def test_the_sweep_warns_before_and_breaches_at_the_deadline_once(opened: Ticket) -> None:
    assert sweep(MONDAY + dt.timedelta(minutes=19)) == 0
    assert sweep(MONDAY + dt.timedelta(minutes=21)) == 1
    warning = TicketEvent.objects.get(ticket=opened, kind=EventKind.SLA_WARNING)
    assert warning.changes == {
        "target": [None, "first_response"],
        "due_at": [None, (MONDAY + dt.timedelta(minutes=30)).isoformat()],
    }
    assert warning.note == "SLA"
    assert clock_of(opened, SlaTarget.FIRST_RESPONSE).warned_at == MONDAY + dt.timedelta(minutes=21)
    assert sweep(MONDAY + dt.timedelta(minutes=25)) == 0

    assert sweep(MONDAY + dt.timedelta(minutes=31)) == 1
    assert sweep(MONDAY + dt.timedelta(minutes=40)) == 0
    breach = TicketEvent.objects.get(ticket=opened, kind=EventKind.SLA_BREACHED)
    assert breach.changes["target"] == [None, "first_response"]
    first = clock_of(opened, SlaTarget.FIRST_RESPONSE)
    assert (first.state, first.breached_at) == (SlaState.BREACHED, MONDAY + dt.timedelta(minutes=30))
    ticket = Ticket.objects.get(pk=opened.pk)
    assert (ticket.sla_state, ticket.sla_due_at) == (SlaState.BREACHED, MONDAY + dt.timedelta(minutes=30))
    assert kinds(opened, SlaTarget.FIRST_RESPONSE) == [
        ClockEntryKind.STARTED,
        ClockEntryKind.WARNED,
        ClockEntryKind.BREACHED,
    ]


def test_a_late_reply_stops_the_breached_clock_and_keeps_the_breach(world: World, opened: Ticket) -> None:
    sweep(MONDAY + dt.timedelta(minutes=31))
    reply(world, opened, MONDAY + dt.timedelta(minutes=45))
    first = clock_of(opened, SlaTarget.FIRST_RESPONSE)
    assert (first.state, first.met_at, first.due_at) == (SlaState.BREACHED, MONDAY + dt.timedelta(minutes=45), None)
    assert Ticket.objects.get(pk=opened.pk).sla_state == SlaState.DUE  # only the resolution runs, in time


def test_waiting_for_the_customer_pauses_and_resuming_keeps_the_working_time_left(world: World) -> None:
    waiting, in_progress = Status.objects.get(code="waiting_reply"), Status.objects.get(code="in_progress")
    with at(FRIDAY_EVENING):
        ticket = open_ticket(world.users["customer"].contact, "Вопрос в пятницу вечером")
        process(ticket)
    assert clock_of(ticket, SlaTarget.FIRST_RESPONSE).due_at == FRIDAY_EVENING + dt.timedelta(minutes=30)
    with at(FRIDAY_EVENING + dt.timedelta(minutes=5)):
        ticket_change_status(ticket=ticket, actor=world.actor("agent"), status=waiting)
        process(ticket)
    first = clock_of(ticket, SlaTarget.FIRST_RESPONSE)
    assert (first.state, first.due_at, first.remaining_seconds) == (SlaState.PAUSED, None, 25 * 60)
    pause = SlaClockEntry.objects.get(ticket=ticket, target=SlaTarget.FIRST_RESPONSE, kind=ClockEntryKind.PAUSED)
    assert "Ожидает ответа" in pause.reason
    paused = Ticket.objects.get(pk=ticket.pk)
    assert (paused.sla_state, paused.sla_due_at, paused.first_response_due_at) == (SlaState.PAUSED, None, None)
    assert not Timer.objects.filter(ticket=ticket, key__startswith="sla:").exists()
    assert sweep(NEXT_MONDAY) == 0  # the weekend passed: nothing breached

    with at(NEXT_MONDAY):
        ticket_change_status(ticket=ticket, actor=world.actor("agent"), status=in_progress)
        process(ticket)
    first = clock_of(ticket, SlaTarget.FIRST_RESPONSE)
    assert (first.state, first.due_at) == (SlaState.DUE, NEXT_MONDAY + dt.timedelta(minutes=25))
    # Resolution: 720 working minutes less the 5 that ran on Friday, from Monday 11:00 local to Tuesday 10:55.
    resolution = clock_of(ticket, SlaTarget.RESOLUTION)
    assert resolution.due_at == dt.datetime(2026, 12, 15, 5, 55, tzinfo=UTC)
    assert sweep(NEXT_MONDAY + dt.timedelta(minutes=24)) == 1  # the warning only
    assert sweep(NEXT_MONDAY + dt.timedelta(minutes=26)) == 1
    assert clock_of(ticket, SlaTarget.FIRST_RESPONSE).state == SlaState.BREACHED


def test_without_business_time_the_pause_resumes_in_plain_time(world: World) -> None:
    SlaPolicy.objects.filter(name="Премиум").update(business_time=False)
    waiting, in_progress = Status.objects.get(code="waiting_reply"), Status.objects.get(code="in_progress")
    with at(FRIDAY_EVENING):
        ticket = open_ticket(world.users["customer"].contact, "Круглосуточно")
        process(ticket)
    with at(FRIDAY_EVENING + dt.timedelta(minutes=5)):
        ticket_change_status(ticket=ticket, actor=world.actor("agent"), status=waiting)
        process(ticket)
    with at(FRIDAY_EVENING + dt.timedelta(hours=2)):
        ticket_change_status(ticket=ticket, actor=world.actor("agent"), status=in_progress)
        process(ticket)
    due = FRIDAY_EVENING + dt.timedelta(hours=2, minutes=25)
    assert clock_of(ticket, SlaTarget.FIRST_RESPONSE).due_at == due


def test_a_customer_message_after_the_reply_starts_the_next_response(world: World, opened: Ticket) -> None:
    reply(world, opened, MONDAY + dt.timedelta(minutes=10))
    assert not SlaClock.objects.filter(ticket=opened, target=SlaTarget.NEXT_RESPONSE).exists()
    reply(world, opened, MONDAY + dt.timedelta(minutes=20), role="customer")
    following = clock_of(opened, SlaTarget.NEXT_RESPONSE)
    assert (following.state, following.due_at) == (SlaState.DUE, MONDAY + dt.timedelta(minutes=80))
    reply(world, opened, MONDAY + dt.timedelta(minutes=30), role="customer")  # the earlier deadline stands
    assert clock_of(opened, SlaTarget.NEXT_RESPONSE).due_at == MONDAY + dt.timedelta(minutes=80)
    assert Ticket.objects.get(pk=opened.pk).next_response_due_at == MONDAY + dt.timedelta(minutes=80)
    reply(world, opened, MONDAY + dt.timedelta(minutes=50))
    following = clock_of(opened, SlaTarget.NEXT_RESPONSE)
    assert (following.state, following.met_at) == (SlaState.MET, MONDAY + dt.timedelta(minutes=50))
    reply(world, opened, MONDAY + dt.timedelta(minutes=55), role="customer")  # a new episode
    following = clock_of(opened, SlaTarget.NEXT_RESPONSE)
    assert (following.state, following.started_at) == (SlaState.DUE, MONDAY + dt.timedelta(minutes=55))


def test_solving_meets_the_resolution_and_reopening_restarts_it(world: World, opened: Ticket) -> None:
    with at(MONDAY + dt.timedelta(minutes=20)):
        ticket_resolve(ticket=opened, actor=world.actor("agent"), body="Исправили")
        process(opened)
    resolution = clock_of(opened, SlaTarget.RESOLUTION)
    assert (resolution.state, resolution.met_at) == (SlaState.MET, MONDAY + dt.timedelta(minutes=20))
    assert clock_of(opened, SlaTarget.FIRST_RESPONSE).state == SlaState.MET
    solved = Ticket.objects.get(pk=opened.pk)
    assert (solved.sla_state, solved.sla_due_at) == (SlaState.MET, None)

    reopened_at = MONDAY + dt.timedelta(hours=2)
    with at(reopened_at):
        ticket_reopen(ticket=opened, actor=world.actor("customer"))
        process(opened)
    resolution = clock_of(opened, SlaTarget.RESOLUTION)
    assert (resolution.state, resolution.started_at, resolution.met_at) == (SlaState.DUE, reopened_at, None)
    assert resolution.due_at == dt.datetime(2026, 12, 8, 10, 0, tzinfo=UTC)  # 7 hours on Monday, 5 on Tuesday
    assert kinds(opened, SlaTarget.RESOLUTION) == [ClockEntryKind.STARTED, ClockEntryKind.MET, ClockEntryKind.RESTARTED]
    assert Ticket.objects.get(pk=opened.pk).resolution_due_at == resolution.due_at


def test_closing_cancels_the_response_clocks(world: World, opened: Ticket) -> None:
    with at(MONDAY + dt.timedelta(minutes=3)):
        ticket_change_status(ticket=opened, actor=world.actor("agent"), status=Status.objects.get(code="closed"))
        process(opened)
    first = clock_of(opened, SlaTarget.FIRST_RESPONSE)
    assert (first.state, first.due_at) == (SlaState.NONE, None)
    assert clock_of(opened, SlaTarget.RESOLUTION).state == SlaState.MET
    assert not Timer.objects.filter(ticket=opened, key__startswith="sla:").exists()


def test_a_new_priority_recomputes_the_deadlines_keeping_the_time_run(world: World, opened: Ticket) -> None:
    with at(MONDAY + dt.timedelta(minutes=10)):
        ticket_update_fields(ticket=opened, actor=world.actor("agent"), priority=Priority.URGENT)
        process(opened)
    first = clock_of(opened, SlaTarget.FIRST_RESPONSE)
    assert first.policy is not None and first.policy.name == "Премиум, срочно"
    assert first.due_at == MONDAY + dt.timedelta(minutes=15)
    ticket = Ticket.objects.get(pk=opened.pk)
    assert ticket.sla_policy == first.policy and ticket.sla_due_at == MONDAY + dt.timedelta(minutes=15)
    assert Timer.objects.get(ticket=opened, key="sla:first_response:breach").due_at == first.due_at
    # Lowered again after the urgent deadline passed: the deadline is back at 30 minutes from the opening.
    with at(MONDAY + dt.timedelta(minutes=20)):
        ticket_update_fields(ticket=opened, actor=world.actor("agent"), priority=Priority.NORMAL)
        process(opened)
    assert clock_of(opened, SlaTarget.FIRST_RESPONSE).due_at == MONDAY + dt.timedelta(minutes=30)


def test_processing_the_same_events_twice_changes_nothing(world: World, opened: Ticket) -> None:
    waiting = Status.objects.get(code="waiting_reply")
    reply(world, opened, MONDAY + dt.timedelta(minutes=10))
    with at(MONDAY + dt.timedelta(minutes=12)):
        ticket_change_status(ticket=opened, actor=world.actor("agent"), status=waiting)
        process(opened)
    reply(world, opened, MONDAY + dt.timedelta(minutes=40), role="customer")
    events = list(TicketEvent.objects.filter(ticket=opened).select_related("message").order_by("created_at", "id"))
    before = list(SlaClockEntry.objects.filter(ticket=opened).values_list("target", "kind", "at"))
    clocks = {c.target: (c.state, c.due_at, c.remaining_seconds) for c in SlaClock.objects.filter(ticket=opened)}
    with at(MONDAY + dt.timedelta(minutes=45)):
        sla_events_handler(events)
        sla_events_handler(events[:2])
    assert list(SlaClockEntry.objects.filter(ticket=opened).values_list("target", "kind", "at")) == before
    assert {c.target: (c.state, c.due_at, c.remaining_seconds) for c in SlaClock.objects.filter(ticket=opened)} == (
        clocks
    )


def test_one_batch_of_events_gives_the_same_clocks_as_one_by_one(world: World) -> None:
    waiting, in_progress = Status.objects.get(code="waiting_reply"), Status.objects.get(code="in_progress")
    with at(MONDAY):
        ticket = open_ticket(world.users["customer"].contact, "Пакетом")
    with at(MONDAY + dt.timedelta(minutes=5)):
        ticket_change_status(ticket=ticket, actor=world.actor("agent"), status=waiting)
    with at(MONDAY + dt.timedelta(minutes=65)):
        ticket_change_status(ticket=ticket, actor=world.actor("agent"), status=in_progress)
    with at(MONDAY + dt.timedelta(minutes=70)):
        process(ticket)  # all three together, long after they happened
    first = clock_of(ticket, SlaTarget.FIRST_RESPONSE)
    assert first.due_at == MONDAY + dt.timedelta(minutes=90)
    assert kinds(ticket, SlaTarget.FIRST_RESPONSE) == [
        ClockEntryKind.STARTED,
        ClockEntryKind.PAUSED,
        ClockEntryKind.RESUMED,
    ]


def test_a_ticket_without_a_matching_policy_has_no_clocks(world: World) -> None:
    SlaPolicy.objects.filter(plan__code="premium").delete()
    SlaPolicy.objects.filter(plan__isnull=True).delete()
    with at(MONDAY):
        ticket = open_ticket(world.users["customer"].contact, "Без SLA")
        process(ticket)
    assert not SlaClock.objects.filter(ticket=ticket).exists()
    ticket.refresh_from_db()
    assert (ticket.sla_state, ticket.sla_policy_id) == (SlaState.NONE, None)
