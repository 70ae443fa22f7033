"""The outbox handler that tells open pages about committed ticket events (settings.OTVET_EVENT_HANDLERS).

Each changed ticket's group hears what changed (pages refresh their panels, open composers warn about collisions);
the queues group hears which tickets changed and which are new (sidebars refresh counts, agents may get a desktop
notification). Pushes carry numbers and kinds only: what a page then shows comes from a scoped request.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from otvet.accounts.choices import Role
from otvet.accounts.models import Agent
from otvet.live.publish import QUEUES_GROUP, publish, ticket_group
from otvet.tickets.access import Actor
from otvet.tickets.choices import EventKind
from otvet.tickets.models import Ticket, TicketEvent
from otvet.tickets.services.collision import change_kinds
from otvet.workspace.queues import queue_counts_forget


def live_events_handler(events: Sequence[TicketEvent]) -> None:
    """Publish each ticket's changes to its group, then one message to the queues group; idempotent (a replay
    only makes pages refresh once more)."""
    by_ticket: dict[int, list[TicketEvent]] = {}
    for event in events:
        by_ticket.setdefault(event.ticket_id, []).append(event)
    if not by_ticket:
        return
    for number, ticket_events in by_ticket.items():
        publish(ticket_group(number), ticket_message(ticket_events))
    previous = {event.changes["assignee"][0] for event in events if "assignee" in (event.changes or {})}
    _counts_forget(by_ticket, {agent_id for agent_id in previous if isinstance(agent_id, int)})
    created = sorted({event.ticket_id for event in events if event.kind == EventKind.CREATED})
    publish(QUEUES_GROUP, {"type": "queues.changed", "tickets": sorted(by_ticket), "created": created})


def ticket_message(events: Sequence[TicketEvent]) -> dict[str, Any]:
    """The push for one ticket: when it last changed, who acted, and the changes a composer must warn about."""
    last = max(events, key=lambda event: (event.created_at, event.pk))
    return {
        "type": "ticket.changed",
        "at": last.created_at.isoformat(),
        "actors": sorted({event.actor_id for event in events if event.actor_id is not None}),
        "changes": [
            {"kind": kind, "actor": event.actor_id, "actor_kind": event.actor_kind, "at": event.created_at.isoformat()}
            for event in events
            for kind in change_kinds(event)
        ],
    }


def _counts_forget(numbers: Iterable[int], previous_assignees: set[int]) -> None:
    """Drop the cached sidebar counts these tickets belong to, so a pushed refresh shows the new numbers."""
    rows = Ticket.objects.filter(pk__in=list(numbers)).values_list("assignee_id", "company__partner_id")
    agents = [Agent(pk=0, role=Role.AGENT), Agent(pk=0, role=Role.SUPERVISOR)]  # the platform's two scopes
    for assignee_id, partner_id in rows:
        if partner_id is not None:
            agents.append(Agent(pk=0, role=Role.AGENT, partner_id=partner_id))
        if assignee_id is not None:
            agents.append(Agent(pk=assignee_id, role=Role.AGENT))
    agents += [Agent(pk=agent_id, role=Role.AGENT) for agent_id in previous_assignees]
    for agent in agents:
        queue_counts_forget(Actor(agent=agent))
