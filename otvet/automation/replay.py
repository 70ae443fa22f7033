"""A ticket's past, replayed from its events: what its fields and anchor moments were at each moment.

The events record every change as [old, new]; undoing them from the ticket's current state, newest first,
gives the state before the first event, and walking forward again gives a segment for each stretch between
two events. The dry run asks these segments where a rule would have fired.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from otvet.tickets.choices import AuthorKind, EventKind, MessageKind, StatusCategory
from otvet.tickets.models import Ticket, TicketEvent

# Event change keys that are facts of the same name.
REPLAYED = ("status", "line", "priority", "assignee", "criticality", "category", "tags", "subject")
ANCHORS = ("created_at", "status_changed_at", "claimed_at", "last_customer_message_at", "last_agent_message_at",
           "last_interaction_at", "updated_at", "resolved_at")  # fmt: skip


@dataclass
class Segment:
    """The ticket as it was from `start` until `end` (the next event, or None: until now)."""

    start: dt.datetime
    end: dt.datetime | None
    values: dict[str, Any]
    anchors: dict[str, dt.datetime | None]
    event: TicketEvent | None = None  # the event that began this segment
    extra: dict[str, Any] = field(default_factory=dict)


def replay(
    ticket: Ticket, events: Sequence[TicketEvent], current: Mapping[str, Any], categories: Mapping[str, str]
) -> list[Segment]:
    """The ticket's segments from its creation; `events` are all its events in order, `current` its facts now,
    `categories` the status category of each status code."""
    state = dict(current)
    for event in reversed(events):
        for name, pair in (event.changes or {}).items():
            if name in REPLAYED and isinstance(pair, list) and len(pair) == 2 and pair[0] is not None:
                state[name] = pair[0]
    segments: list[Segment] = []
    anchors: dict[str, dt.datetime | None] = dict.fromkeys(ANCHORS)
    anchors["created_at"] = ticket.created_at
    for index, event in enumerate(events):
        state = dict(state)
        for name, pair in (event.changes or {}).items():
            if name in REPLAYED and isinstance(pair, list) and len(pair) == 2:
                state[name] = pair[1]
        state["status_category"] = categories.get(state.get("status") or "", state.get("status_category"))
        anchors = _anchors_after(dict(anchors), event, categories)
        state["answered"] = anchors["last_agent_message_at"] is not None
        claimed, answered = anchors["claimed_at"], anchors["last_agent_message_at"]
        state["answered_since_claimed"] = bool(claimed and answered and answered >= claimed)
        end = events[index + 1].created_at if index + 1 < len(events) else None
        segments.append(Segment(start=event.created_at, end=end, values=state, anchors=anchors, event=event))
    return segments


def _anchors_after(anchors: dict[str, dt.datetime | None], event: TicketEvent, categories: Mapping[str, str]) -> dict:
    at = event.created_at
    changes = event.changes or {}
    anchors["updated_at"] = at
    if "status" in changes:
        anchors["status_changed_at"] = at
        category = categories.get(str((changes["status"] or [None, None])[-1]))
        if category in (StatusCategory.SOLVED, StatusCategory.CLOSED):
            anchors["resolved_at"] = anchors["resolved_at"] or at if category == StatusCategory.CLOSED else at
        else:
            anchors["resolved_at"] = None
    if "assignee" in changes:
        anchors["claimed_at"] = at if event.kind == EventKind.CLAIMED else None
    message = event.message if event.message_id is not None else None
    if message is not None:
        anchors["last_interaction_at"] = at
        if message.kind == MessageKind.REPLY and message.author_kind == AuthorKind.CUSTOMER:
            anchors["last_customer_message_at"] = at
        elif message.kind == MessageKind.REPLY and message.author_kind == AuthorKind.AGENT:
            anchors["last_agent_message_at"] = at
    if event.kind == EventKind.CREATED:
        anchors["status_changed_at"] = anchors["status_changed_at"] or at
    return anchors
