"""The who-sees-what matrix of DESIGN.md §5 at the selector level."""

from __future__ import annotations

import pytest

from otvet.accounts.models import Agent
from otvet.core.errors import NotFound
from otvet.testing.fixtures import TICKETS, VISIBLE
from otvet.tickets.access import Actor, agents_who_may_see, messages_visible_to, ticket_get_for_user, tickets_visible_to
from otvet.tickets.models import Line
from otvet.tickets.services import ticket_add_note, ticket_reply, ticket_transfer

EXPECTED = VISIBLE


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_exactly_its_tickets(world, role):
    visible = set(tickets_visible_to(world.actor(role)).values_list("pk", flat=True))
    assert visible == {getattr(world, name).pk for name in EXPECTED[role]}


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("name", TICKETS)
def test_a_ticket_outside_the_scope_is_not_found(world, role, name):
    ticket = getattr(world, name)
    if name in EXPECTED[role]:
        assert ticket_get_for_user(world.actor(role), ticket.pk).pk == ticket.pk
    else:
        with pytest.raises(NotFound):
            ticket_get_for_user(world.actor(role), ticket.pk)


def test_a_partner_ticket_reaches_platform_agents_only_after_an_explicit_transfer(world):
    partner_agent, agent = world.actor("partner_agent"), world.actor("agent")
    assert world.ticket_partner.line.partner_id is not None
    with pytest.raises(NotFound):
        ticket_get_for_user(agent, world.ticket_partner.pk)
    ticket_transfer(
        ticket=world.ticket_partner,
        actor=partner_agent,
        line=Line.objects.get(code="second"),
        note="Нужна платформа",
    )
    assert ticket_get_for_user(agent, world.ticket_partner.pk).line.code == "second"
    # The partner keeps seeing its company's ticket after the transfer.
    assert ticket_get_for_user(partner_agent, world.ticket_partner.pk)


def test_customers_never_read_internal_notes(world):
    agent = world.actor("agent")
    ticket = world.ticket_customer
    ticket_add_note(ticket=ticket, actor=agent, body="Клиент должен за прошлый месяц")
    ticket_reply(ticket=ticket, actor=agent, body="Проверяем")
    for role in ("customer", "company_admin"):
        bodies = set(messages_visible_to(world.actor(role), ticket).values_list("body_text", flat=True))
        assert "Проверяем" in bodies
        assert "Клиент должен за прошлый месяц" not in bodies
    assert "Клиент должен за прошлый месяц" in set(
        messages_visible_to(agent, ticket).values_list("body_text", flat=True)
    )


def test_agents_who_may_see_a_ticket_is_the_scope_read_the_other_way_round(world):
    from otvet.accounts.factories import AgentFactory

    AgentFactory(is_active=False)  # an inactive agent sees nothing and works nothing
    for name in TICKETS:
        ticket = getattr(world, name)
        working = set(agents_who_may_see(ticket).values_list("pk", flat=True))
        for agent in Agent.objects.all():
            sees = (
                agent.is_active
                and tickets_visible_to(Actor(user=agent.user, agent=agent)).filter(pk=ticket.pk).exists()
            )
            assert (agent.pk in working) == sees, (agent, name)
