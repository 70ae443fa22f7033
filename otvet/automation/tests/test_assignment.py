"""Auto-assignment: round robin, fewest open tickets, caps, shifts, and the explanation on the timeline."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import time_machine
from django.utils import translation

from otvet.accounts.factories import AgentFactory, UserFactory
from otvet.accounts.models import Agent
from otvet.automation.assignment import agent_pick, auto_assign_events, ticket_auto_assign
from otvet.core import clock
from otvet.customers.factories import ContactFactory
from otvet.sla.models import Calendar, CalendarHours
from otvet.tickets.access import Actor
from otvet.tickets.choices import AssignmentMode, EventKind
from otvet.tickets.events import events_process
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import Line, Ticket, TicketEvent
from otvet.tickets.services import ticket_assign, ticket_release, ticket_transfer
from otvet.workspace.timeline import Names, timeline

pytestmark = pytest.mark.django_db

# Wednesday 2 December 2026, 12:00 in Yekaterinburg: inside the support hours.
WEDNESDAY_NOON = dt.datetime(2026, 12, 2, 7, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen_english():
    with time_machine.travel(WEDNESDAY_NOON, tick=False), translation.override("en"):
        yield


def drain() -> None:
    """Process the committed events and those their handlers write, as the workers would."""
    for _ in range(20):
        ids = list(TicketEvent.objects.filter(processed_at__isnull=True).values_list("pk", flat=True))
        if not ids:
            return
        events_process(ids)
    raise AssertionError("events keep coming")


def agent(name: str, **fields: object) -> Agent:
    return AgentFactory.create(user=UserFactory(name=name), **fields)


def queue(mode: AssignmentMode, *members: Agent, code: str = "duty") -> Line:
    line = Line.objects.create(code=code, name_ru=code, name_en=code, assignment=mode)
    line.members.set(members)
    return line


def new_ticket(line: Line, subject: str = "Не работает выгрузка") -> Ticket:
    ticket = open_ticket(ContactFactory.create(), subject, line=line)
    drain()
    return Ticket.objects.select_related("assignee__user", "line").get(pk=ticket.pk)


def assigned_event(ticket: Ticket) -> TicketEvent:
    return ticket.events.get(kind=EventKind.ASSIGNED)


def night_shift() -> Calendar:
    calendar = Calendar.objects.create(name="Ночная смена", time_zone="Asia/Yekaterinburg", russian_holidays=False)
    for weekday in range(7):
        CalendarHours.objects.create(calendar=calendar, weekday=weekday, opens=dt.time(22), closes=dt.time(0))
    return calendar


def test_round_robin_rotates_across_three_agents():
    ivan, olga, petr = agent("Иван"), agent("Ольга"), agent("Пётр")
    line = queue(AssignmentMode.ROUND_ROBIN, petr, olga, ivan)
    assignees = [new_ticket(line).assignee for _ in range(6)]
    assert assignees == [ivan, olga, petr, ivan, olga, petr]
    event = assigned_event(Ticket.objects.filter(line=line).earliest("pk"))
    assert event.actor_kind == "system" and event.note == "Auto-assignment (Round robin)."


def test_round_robin_rotates_within_one_batch_of_events():
    ivan, olga = agent("Иван"), agent("Ольга")
    line = queue(AssignmentMode.ROUND_ROBIN, ivan, olga)
    tickets = [open_ticket(ContactFactory.create(), f"Заявка {n}", line=line) for n in range(4)]
    events_process(list(TicketEvent.objects.filter(kind=EventKind.CREATED).values_list("pk", flat=True)))
    assert [Ticket.objects.get(pk=ticket.pk).assignee for ticket in tickets] == [ivan, olga, ivan, olga]


def test_least_open_gives_the_ticket_to_whoever_has_fewest():
    ivan, olga, petr = agent("Иван"), agent("Ольга"), agent("Пётр")
    line = queue(AssignmentMode.LEAST_OPEN, ivan, olga, petr)
    system = Actor.system("test")
    for holder, count in ((ivan, 2), (olga, 1)):
        for _ in range(count):
            ticket = open_ticket(ContactFactory.create(), line=Line.objects.get(code="first"))
            ticket_assign(ticket=ticket, actor=system, assignee=holder)
    assert new_ticket(line).assignee == petr
    # Ольга and Пётр have one each now: the one who got an automatic ticket longer ago (never) wins.
    assert new_ticket(line).assignee == olga
    assert new_ticket(line).assignee == petr


def test_an_agent_at_their_cap_is_skipped_and_named():
    ivan, olga = agent("Иван", max_open_tickets=1), agent("Ольга")
    line = queue(AssignmentMode.ROUND_ROBIN, ivan, olga)
    first = new_ticket(line)
    assert first.assignee == ivan
    second = new_ticket(line)
    assert second.assignee == olga
    third = new_ticket(line)
    assert third.assignee == olga
    assert assigned_event(third).note == "Auto-assignment (Round robin). Skipped: Иван (limit of 1 open ticket)"


def test_an_off_shift_agent_is_skipped_with_the_reason_on_the_timeline():
    ivan, olga = agent("Иван", schedule=night_shift()), agent("Ольга")
    line = queue(AssignmentMode.ROUND_ROBIN, ivan, olga)
    ticket = new_ticket(line)
    assert ticket.assignee == olga
    event = assigned_event(ticket)
    (entry,) = timeline([event], Names(agents={olga.pk: "Ольга"}))
    assert entry.text == "Otvet assigned the ticket to Ольга"
    assert entry.note == "Auto-assignment (Round robin). Skipped: Иван (off shift)"


def test_an_agent_on_shift_gets_tickets():
    ivan = agent("Иван", schedule=night_shift())
    line = queue(AssignmentMode.ROUND_ROBIN, ivan)
    with time_machine.travel(WEDNESDAY_NOON + dt.timedelta(hours=11), tick=False):  # 23:00 in Yekaterinburg
        assert new_ticket(line).assignee == ivan


def test_inactive_agents_and_users_are_passed_over():
    ivan, olga, petr = agent("Иван", is_active=False), agent("Ольга"), agent("Пётр")
    olga.user.is_active = False
    olga.user.save(update_fields=["is_active"])
    line = queue(AssignmentMode.ROUND_ROBIN, ivan, olga, petr)
    chosen, skipped = agent_pick(line=line, at=clock.now(), mode=AssignmentMode.ROUND_ROBIN)
    assert chosen == petr
    assert [(member, reason) for member, reason in skipped] == [(ivan, "not active"), (olga, "not active")]


def test_nobody_eligible_leaves_the_ticket_in_the_queue_without_an_event(caplog):
    ivan = agent("Иван", schedule=night_shift())
    line = queue(AssignmentMode.LEAST_OPEN, ivan)
    with caplog.at_level(logging.INFO, logger="otvet.automation.assignment"):
        ticket = new_ticket(line)
    assert ticket.assignee is None
    assert not ticket.events.filter(kind=EventKind.ASSIGNED).exists()
    assert f"ticket {ticket.pk} stays unassigned" in caplog.text and "off shift" in caplog.text


def test_mode_off_does_nothing():
    ivan = agent("Иван")
    line = queue(AssignmentMode.OFF, ivan)
    ticket = new_ticket(line)
    assert ticket.assignee is None
    assert not ticket.events.filter(kind=EventKind.ASSIGNED).exists()
    assert ticket_auto_assign(ticket=ticket, at=clock.now()) is None
    assert agent_pick(line=line, at=clock.now(), mode=AssignmentMode.OFF) == (None, [])


def test_an_assigned_ticket_is_left_alone_and_handling_twice_is_harmless():
    ivan, olga = agent("Иван"), agent("Ольга")
    line = queue(AssignmentMode.ROUND_ROBIN, ivan, olga)
    ticket = new_ticket(line)
    created = ticket.events.filter(kind=EventKind.CREATED)
    auto_assign_events(list(created))
    auto_assign_events(list(created))
    assert Ticket.objects.get(pk=ticket.pk).assignee == ivan
    assert ticket.events.filter(kind=EventKind.ASSIGNED).count() == 1


def test_a_transferred_ticket_is_assigned_in_its_new_line_to_someone_else():
    ivan, olga, petr = agent("Иван"), agent("Ольга"), agent("Пётр")
    first = queue(AssignmentMode.ROUND_ROBIN, ivan, code="l1")
    second = queue(AssignmentMode.ROUND_ROBIN, ivan, olga, petr, code="l2")
    ticket = new_ticket(first)
    assert ticket.assignee == ivan
    ticket_transfer(ticket=ticket, actor=Actor(user=ivan.user, agent=ivan), line=second, note="Нужна вторая линия")
    drain()
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.line == second and ticket.assignee == olga
    assert "Иван (has just let it go)" in ticket.events.filter(kind=EventKind.ASSIGNED).latest("pk").note


def test_a_released_ticket_goes_to_another_member():
    ivan, olga = agent("Иван"), agent("Ольга")
    line = queue(AssignmentMode.ROUND_ROBIN, ivan, olga)
    ticket = new_ticket(line)
    assert ticket.assignee == ivan
    new_ticket(line)  # Ольга's turn has passed
    ticket_release(ticket=ticket, actor=Actor(user=ivan.user, agent=ivan))
    drain()
    assert Ticket.objects.get(pk=ticket.pk).assignee == olga


def test_a_partner_agent_in_a_platform_line_does_not_get_its_tickets():
    from otvet.customers.factories import PartnerFactory

    outsider, olga = agent("Чужой", partner=PartnerFactory.create()), agent("Ольга")
    line = queue(AssignmentMode.ROUND_ROBIN, outsider, olga)
    ticket = new_ticket(line)
    assert ticket.assignee == olga
    assert "Чужой (cannot see the ticket)" in assigned_event(ticket).note
