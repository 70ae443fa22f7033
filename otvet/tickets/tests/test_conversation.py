"""Replies, notes, resolving, reopening: messages and the timestamps of DESIGN.md §4."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from otvet.core.errors import Conflict, PermissionDenied
from otvet.tickets.choices import EventKind, MessageKind, StatusCategory
from otvet.tickets.models import Status, Ticket
from otvet.tickets.services import (
    ticket_add_note,
    ticket_change_status,
    ticket_reopen,
    ticket_reply,
    ticket_resolve,
)

T0 = dt.datetime(2030, 3, 2, 9, 0, tzinfo=dt.UTC)  # after the world was created


def at(minutes: int) -> time_machine.travel:
    return time_machine.travel(T0 + dt.timedelta(minutes=minutes), tick=False)


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_related("status").get(pk=ticket.pk)


def test_the_first_agent_reply_sets_first_response_and_moves_the_waiting_clock(world):
    ticket, agent = world.ticket_customer, world.actor("agent")
    with at(10):
        ticket_reply(ticket=ticket, actor=agent, body="Здравствуйте! Проверяем.")
    with at(20):
        ticket_reply(ticket=ticket, actor=agent, body="Ещё одна деталь")
    ticket = fresh(ticket)
    assert ticket.first_response_at == T0 + dt.timedelta(minutes=10)
    assert ticket.last_agent_message_at == T0 + dt.timedelta(minutes=20)
    # The ball went to the customer's court at the first reply, and stayed there.
    assert ticket.waiting_since == T0 + dt.timedelta(minutes=10)


def test_a_customer_reply_moves_the_ball_back_to_support(world):
    ticket = world.ticket_customer
    with at(10):
        ticket_reply(ticket=ticket, actor=world.actor("agent"), body="Уточните, пожалуйста, номер заказа")
    with at(30):
        ticket_reply(ticket=ticket, actor=world.actor("customer"), body="Заказ 123")
    ticket = fresh(ticket)
    assert ticket.last_customer_message_at == ticket.waiting_since == T0 + dt.timedelta(minutes=30)
    assert ticket.last_interaction_at == T0 + dt.timedelta(minutes=30)


def test_an_internal_note_changes_no_status_and_no_customer_timestamps(world):
    ticket, agent = world.ticket_customer, world.actor("agent")
    before = fresh(ticket)
    with at(5):
        note = ticket_add_note(ticket=ticket, actor=agent, body="Похоже на баг в интеграции")
    after = fresh(ticket)
    assert note.kind == MessageKind.NOTE
    assert after.status_id == before.status_id and after.first_response_at is None
    assert after.waiting_since == before.waiting_since
    assert after.last_interaction_at == T0 + dt.timedelta(minutes=5)
    assert after.events.latest("id").kind == EventKind.NOTE_ADDED


def test_customers_cannot_write_internal_notes(world):
    with pytest.raises(PermissionDenied):
        ticket_add_note(ticket=world.ticket_customer, actor=world.actor("customer"), body="?")


def test_an_agent_can_reply_and_set_a_status_in_one_step(world):
    waiting = Status.objects.get(code="waiting_reply")
    message = ticket_reply(ticket=world.ticket_customer, actor=world.actor("agent"), body="Ждём ответа", status=waiting)
    ticket = fresh(world.ticket_customer)
    assert ticket.status == waiting
    event = ticket.events.latest("id")
    assert event.kind == EventKind.REPLIED and event.message == message
    assert event.changes == {"status": ["open", "waiting_reply"]}


def test_resolve_is_a_public_reply_and_the_solved_status_in_one_event(world):
    ticket = world.ticket_customer
    with at(60):
        message = ticket_resolve(ticket=ticket, actor=world.actor("agent"), body="Готово, пароль сброшен")
    ticket = fresh(ticket)
    assert message.kind == MessageKind.REPLY
    assert ticket.status.category == StatusCategory.SOLVED and not ticket.is_open
    assert ticket.resolved_at == T0 + dt.timedelta(minutes=60)
    event = ticket.events.latest("id")
    assert event.kind == EventKind.RESOLVED and event.changes == {"status": ["open", "done"]}


def test_a_customer_reply_to_a_solved_ticket_reopens_it(world):
    ticket = world.ticket_customer
    ticket_resolve(ticket=ticket, actor=world.actor("agent"), body="Готово")
    ticket_reply(ticket=ticket, actor=world.actor("customer"), body="Нет, снова не работает")
    ticket = fresh(ticket)
    assert ticket.status.code == "in_progress" and ticket.is_open and ticket.resolved_at is None
    assert ticket.events.latest("id").kind == EventKind.REOPENED


def test_a_closed_ticket_refuses_customer_replies(world):
    ticket = world.ticket_customer
    ticket_change_status(ticket=ticket, actor=world.actor("agent"), status=Status.objects.get(code="closed"))
    with pytest.raises(Conflict):
        ticket_reply(ticket=ticket, actor=world.actor("customer"), body="Ещё вопрос")
    assert fresh(ticket).closed_at is not None


def test_closing_keeps_the_resolved_moment_and_reopening_clears_both(world):
    ticket, agent = world.ticket_customer, world.actor("agent")
    with at(10):
        ticket_resolve(ticket=ticket, actor=agent, body="Готово")
    with at(20):
        ticket_change_status(ticket=ticket, actor=agent, status=Status.objects.get(code="closed"))
    closed = fresh(ticket)
    assert closed.resolved_at == T0 + dt.timedelta(minutes=10) and closed.closed_at == T0 + dt.timedelta(minutes=20)
    ticket_reopen(ticket=ticket, actor=agent)
    reopened = fresh(ticket)
    assert reopened.resolved_at is None and reopened.closed_at is None and reopened.is_open


def test_a_customer_may_reopen_a_solved_ticket_but_not_a_closed_one(world):
    ticket = world.ticket_customer
    ticket_resolve(ticket=ticket, actor=world.actor("agent"), body="Готово")
    ticket_reopen(ticket=ticket, actor=world.actor("customer"))
    assert fresh(ticket).status.category == StatusCategory.OPEN
    ticket_change_status(ticket=ticket, actor=world.actor("agent"), status=Status.objects.get(code="closed"))
    with pytest.raises(Conflict):
        ticket_reopen(ticket=ticket, actor=world.actor("customer"))


def test_reopening_an_open_ticket_is_a_conflict(world):
    with pytest.raises(Conflict):
        ticket_reopen(ticket=world.ticket_customer, actor=world.actor("agent"))


def test_changing_to_the_same_status_writes_no_event(world):
    ticket = world.ticket_customer
    count = ticket.events.count()
    ticket_change_status(ticket=ticket, actor=world.actor("agent"), status=ticket.status)
    assert ticket.events.count() == count


def test_customers_cannot_change_the_status(world):
    with pytest.raises(PermissionDenied):
        ticket_change_status(
            ticket=world.ticket_customer, actor=world.actor("customer"), status=Status.objects.get(code="done")
        )


def test_an_inactive_status_is_refused(world):
    frozen = Status.objects.get(code="frozen")
    frozen.is_active = False
    frozen.save()
    from otvet.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as error:
        ticket_change_status(ticket=world.ticket_customer, actor=world.actor("agent"), status=frozen)
    assert "status" in error.value.fields
