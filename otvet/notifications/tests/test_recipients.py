"""Whom each audience reaches: only active people who may see the ticket, by the organisation that works it."""

from __future__ import annotations

import pytest

from otvet.accounts.choices import Role
from otvet.accounts.factories import AgentFactory, UserFactory
from otvet.accounts.models import Agent
from otvet.notifications.services import Audience, notification_recipients
from otvet.testing.fixtures import World
from otvet.tickets.factories import open_ticket
from otvet.tickets.services import ticket_assign

pytestmark = pytest.mark.django_db


def emails(users: list) -> set[str]:
    return {user.email for user in users}


def test_the_line_audience_is_its_active_members_who_may_see_the_ticket(world: World) -> None:
    ticket = world.ticket_customer
    partner_agent = world.users["partner_agent"].agent
    partner_agent.lines.add(ticket.line)  # a member, yet a platform company's ticket is outside its scope
    resting = AgentFactory(user=UserFactory(email="resting@example.com"), is_active=False)
    resting.lines.add(ticket.line)
    gone = AgentFactory(user=UserFactory(email="gone@example.com", is_active=False))
    gone.lines.add(ticket.line)

    users = notification_recipients(ticket=ticket, audience=Audience.LINE)

    assert emails(users) == {"agent@example.com", "supervisor@example.com", "admin@example.com"}


def test_supervisors_of_a_platform_line_are_the_platforms(world: World) -> None:
    partner = world.ticket_partner.company.partner
    AgentFactory(user=UserFactory(email="partner-boss@example.com"), role=Role.SUPERVISOR, partner=partner)
    AgentFactory(user=UserFactory(email="old-boss@example.com"), role=Role.SUPERVISOR, is_active=False)

    users = notification_recipients(ticket=world.ticket_customer, audience=Audience.SUPERVISORS)

    assert emails(users) == {"supervisor@example.com", "admin@example.com"}


def test_supervisors_of_a_partners_own_line_are_the_partners(world: World) -> None:
    partner = world.ticket_partner.company.partner
    AgentFactory(user=UserFactory(email="partner-boss@example.com"), role=Role.SUPERVISOR, partner=partner)

    users = notification_recipients(ticket=world.ticket_partner, audience=Audience.SUPERVISORS)

    assert emails(users) == {"partner-boss@example.com"}


def test_an_agent_outside_the_tickets_scope_is_never_a_recipient(world: World) -> None:
    partner_agent: Agent = world.users["partner_agent"].agent

    assert (
        notification_recipients(ticket=world.ticket_customer, audience=Audience.AGENT, agent_id=partner_agent.pk) == []
    )
    own = notification_recipients(ticket=world.ticket_partner, audience=Audience.AGENT, agent_id=partner_agent.pk)
    assert emails(own) == {"partner_agent@example.com"}
    assert notification_recipients(ticket=world.ticket_customer, audience=Audience.AGENT) == []


def test_the_assignee_is_notified_while_active(world: World) -> None:
    ticket = world.ticket_customer
    assert notification_recipients(ticket=ticket, audience=Audience.ASSIGNEE) == []
    agent = world.users["agent"].agent
    ticket = ticket_assign(ticket=ticket, actor=world.actor("supervisor"), assignee=agent)

    assert emails(notification_recipients(ticket=ticket, audience=Audience.ASSIGNEE)) == {"agent@example.com"}

    Agent.objects.filter(pk=agent.pk).update(is_active=False)
    assert notification_recipients(ticket=ticket, audience=Audience.ASSIGNEE) == []


def test_the_customer_is_the_requesters_portal_login_if_any(world: World) -> None:
    users = notification_recipients(ticket=world.ticket_customer, audience=Audience.CUSTOMER)
    assert emails(users) == {"customer@example.org"}
    assert notification_recipients(ticket=world.ticket_colleague, audience=Audience.CUSTOMER) == []

    world.users["customer"].is_active = False
    world.users["customer"].save(update_fields=["is_active"])
    ticket = open_ticket(world.users["customer"].contact, "Ещё вопрос")
    assert notification_recipients(ticket=ticket, audience=Audience.CUSTOMER) == []
