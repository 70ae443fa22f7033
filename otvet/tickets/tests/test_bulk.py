"""Tickets and replies built first and saved together (a batch of channel intake) are the rows that ticket_open and
ticket_reply write one by one; the batch's events are handled together, each exactly once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings

from otvet.customers.factories import ContactFactory
from otvet.tickets import events as events_module
from otvet.tickets.access import Actor
from otvet.tickets.choices import Channel, EventKind
from otvet.tickets.events import events_process
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import Message, Status, Ticket, TicketEvent
from otvet.tickets.services import ticket_open, ticket_reply
from otvet.tickets.services.bulk import tickets_save_many
from otvet.tickets.services.common import lock
from otvet.tickets.services.intake import ticket_build
from otvet.tickets.services.messages import reply_build

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2030, 3, 2, 9, 0, tzinfo=dt.UTC)


def describe(tickets: Sequence[Ticket]) -> list[Any]:
    """The tickets as saved, with their messages and events in order; ids left out (they differ between runs)."""
    described = []
    for ticket in Ticket.objects.filter(pk__in=[t.pk for t in tickets]).order_by("pk"):
        fields = {f.name: getattr(ticket, f.attname) for f in Ticket._meta.concrete_fields if not f.primary_key}
        messages = list(ticket.messages.order_by("created_at", "pk").values_list("kind", "author_kind", "body_text"))
        events = list(ticket.events.order_by("created_at", "pk").values_list("kind", "actor_kind", "changes"))
        described.append((fields, messages, events))
    return described


def test_built_tickets_and_replies_saved_together_are_the_rows_the_services_write_one_by_one(world) -> None:
    contact = world.users["customer"].contact
    actor = Actor(user=contact.user, contact=contact)
    with time_machine.travel(T0, tick=False):
        solved = open_ticket(contact, "Решённая")
        Ticket.objects.filter(pk=solved.pk).update(status=Status.objects.get(code="done"))
    opening = {"actor": actor, "requester": contact, "channel": Channel.EMAIL}

    with transaction.atomic(), time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        first = ticket_open(**opening, subject="Первая", body="Текст первой")
        ticket_reply(ticket=first, actor=actor, body="Дополнение к первой")
        second = ticket_open(**opening, subject="Вторая", body="Текст второй")
        ticket_reply(ticket=solved, actor=actor, body="Не помогло")
        ticket_reply(ticket=solved, actor=actor, body="Совсем не помогло")
        one_by_one = describe([first, second, solved])
        transaction.set_rollback(True)

    with transaction.atomic(), time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        new_first = ticket_build(**opening, subject="Первая", body="Текст первой")
        on_first = reply_build(ticket=new_first.ticket, actor=actor, body="Дополнение к первой")
        new_second = ticket_build(**opening, subject="Вторая", body="Текст второй")
        locked = lock(solved)
        reopened = reply_build(ticket=locked, actor=actor, body="Не помогло")
        again = reply_build(ticket=locked, actor=actor, body="Совсем не помогло")
        tickets_save_many([new_first, new_second], [on_first, reopened, again])
        together = describe([new_first.ticket, new_second.ticket, solved])
        transaction.set_rollback(True)

    assert together == one_by_one
    solved_events = next(events for fields, _messages, events in together if fields["subject"] == "Решённая")
    assert [kind for kind, _actor, _changes in solved_events] == [
        EventKind.CREATED,
        EventKind.REOPENED,
        EventKind.REPLIED,
    ]


def test_the_events_of_a_batch_are_handled_in_one_call_and_marked_once(world, monkeypatch) -> None:
    calls: list[list[int]] = []

    def handler(events: Sequence[TicketEvent]) -> None:
        calls.append([event.pk for event in events])

    tickets = [open_ticket(ContactFactory(), f"Заявка {n}") for n in range(3)]
    ids = list(TicketEvent.objects.filter(ticket__in=tickets).values_list("pk", flat=True))
    monkeypatch.setattr(events_module, "handlers", lambda: (handler,))

    assert events_process(ids) == 3
    assert calls == [sorted(ids)]
    assert events_process(ids) == 0  # processed: no handler runs again
    assert calls == [sorted(ids)]
    assert not TicketEvent.objects.filter(pk__in=ids, processed_at__isnull=True).exists()


def test_one_event_that_fails_holds_back_no_other_and_is_retried(world, monkeypatch) -> None:
    tickets = [open_ticket(ContactFactory(), f"Заявка {n}") for n in range(3)]
    ids = list(TicketEvent.objects.filter(ticket__in=tickets).order_by("pk").values_list("pk", flat=True))

    def handler(events: Sequence[TicketEvent]) -> None:
        if any(event.pk == ids[1] for event in events):
            raise RuntimeError("a handler's bug")

    monkeypatch.setattr(events_module, "handlers", lambda: (handler,))
    with pytest.raises(RuntimeError):
        events_process(ids)
    pending = set(TicketEvent.objects.filter(pk__in=ids, processed_at__isnull=True).values_list("pk", flat=True))
    assert pending == {ids[1]}  # for the job's retry and the sweep


@override_settings(OTVET_EVENT_HANDLERS=["otvet.search.services.search_index_events"])
def test_a_batch_of_events_indexes_every_ticket_and_message_it_added(world) -> None:
    events_module.handlers.cache_clear()
    try:
        tickets = [open_ticket(ContactFactory(), f"Уникальнаятема{n}") for n in range(3)]
        ids = list(TicketEvent.objects.filter(ticket__in=tickets).values_list("pk", flat=True))
        events_process(ids)
        from otvet.search.services import tickets_matching

        found = tickets_matching(Ticket.objects.all(), "Уникальнаятема1", include_internal=False)
        assert list(found) == [tickets[1]]
        assert Message.objects.filter(ticket__in=tickets).count() == 3
    finally:
        events_module.handlers.cache_clear()
