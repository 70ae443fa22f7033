"""TicketEvent is the outbox: processed after commit, at least once, by idempotent handlers."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from otvet.customers.factories import ContactFactory
from otvet.tickets.events import event_process, events_pending
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import TicketEvent
from otvet.tickets.tasks import process_pending_events

pytestmark = pytest.mark.django_db


def test_events_are_processed_once_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ticket = open_ticket(ContactFactory())
    assert len(callbacks) == 1
    assert ticket.events.get().processed_at is not None


def test_an_event_is_not_processed_before_commit():
    ticket = open_ticket(ContactFactory())  # the test transaction never commits
    assert ticket.events.get().processed_at is None


def test_processing_twice_is_harmless():
    event = open_ticket(ContactFactory()).events.get()
    assert event_process(event.pk) is True
    assert event_process(event.pk) is False
    assert event_process(10**9) is False


def test_the_sweeper_catches_up_on_events_whose_job_was_lost():
    moment = dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        event = open_ticket(ContactFactory()).events.get()
        assert events_pending() == []  # too fresh: its own job may still be on the way
    with time_machine.travel(moment + dt.timedelta(minutes=2), tick=False):
        assert events_pending() == [event.pk]
        assert process_pending_events.call_local() == 1
    assert TicketEvent.objects.get(pk=event.pk).processed_at is not None
