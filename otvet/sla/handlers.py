"""The outbox handler of the SLA engine (settings.OTVET_EVENT_HANDLERS): committed events move the clocks."""

from __future__ import annotations

from collections.abc import Sequence

from otvet.sla.services import sla_events_apply
from otvet.tickets.models import TicketEvent


def sla_events_handler(events: Sequence[TicketEvent]) -> None:
    """Apply a batch of committed events to their tickets' SLA clocks; a replay changes nothing (services.py)."""
    sla_events_apply(events=events)
