"""Claiming («Я отвечу»), assigning, releasing and transferring between lines."""

from __future__ import annotations

import pytest

from otvet.accounts.factories import AgentFactory
from otvet.core.errors import Conflict, InvalidInput, PermissionDenied
from otvet.tickets.choices import EventKind, MessageKind
from otvet.tickets.models import Line, Ticket
from otvet.tickets.services import ticket_assign, ticket_claim, ticket_release, ticket_transfer


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_related("status", "line").get(pk=ticket.pk)


def test_claiming_assigns_to_oneself_and_puts_a_new_ticket_in_progress(world):
    agent = world.actor("agent")
    ticket_claim(ticket=world.ticket_customer, actor=agent)
    ticket = fresh(world.ticket_customer)
    assert ticket.assignee == agent.agent and ticket.claimed_at is not None
    assert ticket.status.code == "in_progress"
    event = ticket.events.latest("id")
    assert event.kind == EventKind.CLAIMED
    assert event.changes == {"assignee": [None, agent.agent.pk], "status": ["open", "in_progress"]}


def test_claiming_a_ticket_held_by_another_agent_is_refused(world):
    ticket_claim(ticket=world.ticket_customer, actor=world.actor("agent"))
    other = AgentFactory()
    from otvet.tickets.access import actor_for_user

    with pytest.raises(Conflict):
        ticket_claim(ticket=world.ticket_customer, actor=actor_for_user(other.user))
    assert fresh(world.ticket_customer).assignee == world.actor("agent").agent


def test_only_a_supervisor_may_force_a_claim(world):
    ticket_claim(ticket=world.ticket_customer, actor=world.actor("agent"))
    with pytest.raises(PermissionDenied):
        ticket_claim(ticket=world.ticket_customer, actor=world.actor("agent"), force=True)
    supervisor = world.actor("supervisor")
    ticket_claim(ticket=world.ticket_customer, actor=supervisor, force=True)
    assert fresh(world.ticket_customer).assignee == supervisor.agent


def test_claiming_twice_is_harmless(world):
    agent = world.actor("agent")
    ticket_claim(ticket=world.ticket_customer, actor=agent)
    count = world.ticket_customer.events.count()
    ticket_claim(ticket=world.ticket_customer, actor=agent)
    assert world.ticket_customer.events.count() == count


def test_customers_cannot_claim(world):
    with pytest.raises(PermissionDenied):
        ticket_claim(ticket=world.ticket_customer, actor=world.actor("customer"))


def test_release_by_the_holder_or_a_supervisor_only(world):
    ticket_claim(ticket=world.ticket_customer, actor=world.actor("agent"))
    from otvet.tickets.access import actor_for_user

    with pytest.raises(PermissionDenied):
        ticket_release(ticket=world.ticket_customer, actor=actor_for_user(AgentFactory().user))
    ticket_release(ticket=world.ticket_customer, actor=world.actor("supervisor"))
    ticket = fresh(world.ticket_customer)
    assert ticket.assignee is None and ticket.claimed_at is None
    assert ticket.events.latest("id").kind == EventKind.RELEASED


def test_assigning_needs_an_agent_who_can_see_the_ticket(world):
    partner_agent = world.users["partner_agent"].agent
    with pytest.raises(InvalidInput) as error:
        ticket_assign(ticket=world.ticket_customer, actor=world.actor("supervisor"), assignee=partner_agent)
    assert "assignee" in error.value.fields
    agent = world.users["agent"].agent
    ticket_assign(ticket=world.ticket_customer, actor=world.actor("supervisor"), assignee=agent)
    assert fresh(world.ticket_customer).assignee == agent


def test_transfer_moves_the_ticket_to_the_line_with_a_note_and_frees_it(world):
    agent = world.actor("agent")
    ticket_claim(ticket=world.ticket_customer, actor=agent)
    ticket_transfer(
        ticket=world.ticket_customer, actor=agent, line=Line.objects.get(code="second"), note="Нужна проверка логов"
    )
    ticket = fresh(world.ticket_customer)
    assert ticket.line.code == "second" and ticket.assignee is None
    note = ticket.messages.get(kind=MessageKind.NOTE)
    assert note.body_text == "Нужна проверка логов"
    event = ticket.events.latest("id")
    assert event.kind == EventKind.TRANSFERRED and event.message == note
    assert event.changes["line"] == ["first", "second"]


def test_transfer_to_the_same_or_a_foreign_partner_line_is_refused(world):
    agent = world.actor("agent")
    with pytest.raises(InvalidInput):
        ticket_transfer(ticket=world.ticket_customer, actor=agent, line=Line.objects.get(code="first"))
    partner_line = world.ticket_partner.line
    with pytest.raises(InvalidInput):
        ticket_transfer(ticket=world.ticket_customer, actor=agent, line=partner_line)
