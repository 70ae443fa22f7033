"""The automation event handler (settings.OTVET_EVENT_HANDLERS): trigger rules, then the tickets' timers."""

from __future__ import annotations

from collections.abc import Sequence

from otvet.automation.choices import RuleKind
from otvet.automation.engine import active_rules, tickets_load, timers_arm, triggers_run
from otvet.core import clock
from otvet.tickets.models import TicketEvent


def automation_events_handler(events: Sequence[TicketEvent]) -> None:
    """Run trigger rules on the events, then re-arm the timers of every ticket they touched. Idempotent: a
    trigger fires once per event (RuleFiring), and arming converges to the tickets' current state."""
    triggers_run(events)
    rules = active_rules(RuleKind.TIMER)
    if rules:
        timers_arm(tickets_load(event.ticket_id for event in events).values(), rules, clock.now())
