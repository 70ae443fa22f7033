"""Ratings are given by the requester and attributed to the agent who wrote the rated reply."""

from __future__ import annotations

import pytest

from otvet.accounts.factories import AgentFactory
from otvet.core.errors import Conflict, InvalidInput, PermissionDenied
from otvet.tickets.access import actor_for_user
from otvet.tickets.choices import EventKind
from otvet.tickets.models import RatingMark
from otvet.tickets.services import ticket_claim, ticket_rate, ticket_reply, ticket_resolve


def mark(code: str = "satisfied") -> RatingMark:
    return RatingMark.objects.get(code=code)


def test_the_rating_goes_to_the_author_of_the_rated_reply_not_the_assignee(world):
    ticket = world.ticket_customer
    writer = actor_for_user(AgentFactory().user)
    ticket_resolve(ticket=ticket, actor=writer, body="Сделано")
    ticket_claim(ticket=ticket, actor=world.actor("supervisor"), force=True)  # someone else holds it now
    rating = ticket_rate(ticket=ticket, actor=world.actor("customer"), mark=mark(), comment="Спасибо!")
    assert rating.agent == writer.agent
    assert ticket.events.latest("id").kind == EventKind.RATED


def test_a_specific_reply_can_be_rated(world):
    ticket = world.ticket_customer
    first_writer = actor_for_user(AgentFactory().user)
    good = ticket_reply(ticket=ticket, actor=first_writer, body="Подробный ответ")
    ticket_resolve(ticket=ticket, actor=world.actor("agent"), body="Закрываем")
    rating = ticket_rate(ticket=ticket, actor=world.actor("customer"), mark=mark(), message=good)
    assert rating.agent == first_writer.agent and rating.message == good


def test_rating_again_replaces_the_mark(world):
    ticket = world.ticket_customer
    ticket_resolve(ticket=ticket, actor=world.actor("agent"), body="Готово")
    ticket_rate(ticket=ticket, actor=world.actor("customer"), mark=mark())
    rating = ticket_rate(ticket=ticket, actor=world.actor("customer"), mark=mark("incomplete"))
    assert rating.mark.code == "incomplete"
    assert ticket.events.latest("id").changes == {"rating": ["satisfied", "incomplete"]}


def test_only_the_requester_rates(world):
    ticket = world.ticket_customer
    ticket_resolve(ticket=ticket, actor=world.actor("agent"), body="Готово")
    for role in ("company_admin", "agent"):
        with pytest.raises(PermissionDenied):
            ticket_rate(ticket=ticket, actor=world.actor(role), mark=mark())


def test_an_open_ticket_cannot_be_rated(world):
    with pytest.raises(Conflict):
        ticket_rate(ticket=world.ticket_customer, actor=world.actor("customer"), mark=mark())


def test_an_inactive_mark_or_a_foreign_message_is_refused(world):
    ticket = world.ticket_customer
    ticket_resolve(ticket=ticket, actor=world.actor("agent"), body="Готово")
    retired = mark("unsatisfied")
    retired.is_active = False
    retired.save()
    with pytest.raises(InvalidInput):
        ticket_rate(ticket=ticket, actor=world.actor("customer"), mark=retired)
    foreign = ticket_reply(ticket=world.ticket_other, actor=world.actor("agent"), body="Другое")
    with pytest.raises(InvalidInput) as error:
        ticket_rate(ticket=ticket, actor=world.actor("customer"), mark=mark(), message=foreign)
    assert "message" in error.value.fields
