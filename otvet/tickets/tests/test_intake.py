"""ticket_open: every channel, the first message, the intake line and the timestamps."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from otvet.core.errors import InvalidInput, PermissionDenied
from otvet.customers.factories import ContactFactory
from otvet.tickets.access import Actor
from otvet.tickets.choices import AlertType, AuthorKind, Channel, EventKind, MessageKind, StatusCategory, TicketKind
from otvet.tickets.factories import open_ticket
from otvet.tickets.services import ticket_open

pytestmark = pytest.mark.django_db
MOMENT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def test_it_opens_a_new_ticket_with_the_first_message_and_one_event():
    contact = ContactFactory()
    with time_machine.travel(MOMENT, tick=False):
        ticket = open_ticket(contact, "Не работает оплата", body="Оплата картой не проходит")
    assert ticket.status.category == StatusCategory.NEW
    assert ticket.is_open and ticket.line.code == "first"
    assert ticket.company == contact.company
    assert ticket.created_at == ticket.waiting_since == ticket.last_customer_message_at == MOMENT
    assert ticket.last_interaction_at == MOMENT and ticket.first_response_at is None
    [message] = ticket.messages.all()
    assert (message.kind, message.author_kind, message.author_contact) == (
        MessageKind.REPLY,
        AuthorKind.CUSTOMER,
        contact,
    )
    assert message.body_html == "<p>Оплата картой не проходит</p>"
    [event] = ticket.events.all()
    assert event.kind == EventKind.CREATED and event.changes["status"] == [None, "open"]


def test_numbers_are_sequential_and_human():
    contact = ContactFactory()
    first, second = open_ticket(contact), open_ticket(contact)
    assert second.number == first.number + 1


@pytest.mark.parametrize("subject", ["", "   ", "x" * 256])
def test_it_refuses_a_bad_subject_and_writes_nothing(subject):
    contact = ContactFactory()
    with pytest.raises(InvalidInput) as error:
        open_ticket(contact, subject)
    assert "subject" in error.value.fields
    assert not contact.tickets.exists()


def test_it_refuses_an_empty_body_and_writes_nothing():
    contact = ContactFactory()
    with pytest.raises(InvalidInput) as error:
        open_ticket(contact, "Тема", body="  ")
    assert error.value.fields == {"body": "Сообщение пустое."}  # Russian is the default language
    assert not contact.tickets.exists()


def test_a_customer_cannot_open_a_ticket_for_someone_else():
    me, other = ContactFactory(), ContactFactory()
    with pytest.raises(PermissionDenied):
        ticket_open(actor=Actor(contact=me), requester=other, subject="s", body="b", channel=Channel.PORTAL)


def test_an_agent_opens_a_phone_ticket_on_behalf_of_the_caller(world):
    caller = ContactFactory()
    agent = world.actor("agent")
    ticket = ticket_open(
        actor=agent, requester=caller, subject="Звонок: не приходит SMS", body="Клиент звонил", channel=Channel.PHONE
    )
    message = ticket.messages.get()
    assert message.author_kind == AuthorKind.CUSTOMER and message.author_contact == caller
    assert message.author_user == agent.user  # who typed it is kept
    assert ticket.events.get().actor == agent.user


def test_a_system_alert_goes_out_from_an_agent_and_waits_for_the_customer(world):
    agent = world.actor("agent")
    customer = world.users["customer"].contact
    ticket = ticket_open(
        actor=agent,
        requester=customer,
        subject="Подозрительная активность",
        body="Обнаружены массовые заказы",
        channel=Channel.PORTAL,
        kind=TicketKind.ALERT,
        alert_type=AlertType.SUSPICIOUS,
    )
    assert ticket.status.category == StatusCategory.WAITING_CUSTOMER
    assert ticket.first_response_at is not None
    assert ticket.messages.get().author_kind == AuthorKind.AGENT


def test_only_agents_send_system_alerts(world):
    customer = world.actor("customer")
    with pytest.raises(PermissionDenied):
        ticket_open(
            actor=customer,
            requester=customer.contact,
            subject="s",
            body="b",
            channel=Channel.PORTAL,
            kind=TicketKind.ALERT,
            alert_type=AlertType.COMPLAINT,
        )


def test_a_partner_company_ticket_enters_the_partner_first_line(world):
    assert world.ticket_partner.line.partner.own_first_line
    assert world.ticket_customer.line.partner is None


def test_message_html_is_sanitized():
    contact = ContactFactory()
    ticket = open_ticket(contact, body="текст", body_html='<p onclick="x()">Hi<script>alert(1)</script></p>')
    assert ticket.messages.get().body_html == "<p>Hi</p>"
