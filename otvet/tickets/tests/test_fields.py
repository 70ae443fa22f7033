"""ticket_update_fields: who may change what, one event listing every change, nothing half-saved."""

from __future__ import annotations

import pytest

from otvet.core.errors import InvalidInput, PermissionDenied
from otvet.tickets.choices import EventKind, Priority
from otvet.tickets.models import Category, Criticality, Ticket
from otvet.tickets.services import ticket_update_fields


def test_an_agent_changes_several_fields_in_one_event(world):
    category = Category.objects.create(name_ru="Оплата", name_en="Payment")
    high = Criticality.objects.get(code="high")
    ticket_update_fields(
        ticket=world.ticket_customer, actor=world.actor("agent"), priority=Priority.HIGH, criticality=high,
        category=category,
    )  # fmt: skip
    ticket = Ticket.objects.get(pk=world.ticket_customer.pk)
    assert (ticket.priority, ticket.criticality, ticket.category) == (Priority.HIGH, high, category)
    assert ticket.priority_reason.startswith("set by")
    event = ticket.events.latest("id")
    assert event.kind == EventKind.FIELDS_CHANGED
    assert event.changes == {"priority": [20, 30], "criticality": [None, "high"], "category": [None, category.pk]}


def test_a_customer_may_change_only_the_response_preference(world):
    customer = world.actor("customer")
    ticket_update_fields(ticket=world.ticket_customer, actor=customer, response_preference="email")
    assert Ticket.objects.get(pk=world.ticket_customer.pk).response_preference == "email"
    with pytest.raises(PermissionDenied) as error:
        ticket_update_fields(ticket=world.ticket_customer, actor=customer, priority=Priority.URGENT)
    assert "priority" in error.value.fields


def test_one_bad_field_saves_nothing(world):
    with pytest.raises(InvalidInput) as error:
        ticket_update_fields(ticket=world.ticket_customer, actor=world.actor("agent"), subject="Новая", priority=99)
    assert "priority" in error.value.fields
    ticket = Ticket.objects.get(pk=world.ticket_customer.pk)
    assert ticket.subject == world.ticket_customer.subject and ticket.priority == Priority.NORMAL


def test_an_unknown_field_is_named(world):
    with pytest.raises(InvalidInput) as error:
        ticket_update_fields(ticket=world.ticket_customer, actor=world.actor("agent"), line="second")
    assert "line" in error.value.fields


def test_no_change_writes_no_event(world):
    count = world.ticket_customer.events.count()
    ticket_update_fields(ticket=world.ticket_customer, actor=world.actor("agent"), priority=Priority.NORMAL)
    assert world.ticket_customer.events.count() == count
