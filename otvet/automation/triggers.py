"""What a committed ticket event means for trigger rules: «the customer replied», «the status changed», ...

One event may mean several things (a solving reply is an agent reply, a status change and a resolution).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from otvet.tickets.choices import AuthorKind, EventKind, MessageKind
from otvet.tickets.models import TicketEvent

TRIGGERS = {
    "created": gettext_lazy("A ticket is created"),
    "customer_replied": gettext_lazy("The customer replies"),
    "agent_replied": gettext_lazy("An agent replies"),
    "note_added": gettext_lazy("An internal note is added"),
    "status_changed": gettext_lazy("The status changes"),
    "priority_changed": gettext_lazy("The priority changes"),
    "fields_changed": gettext_lazy("Fields are edited"),
    "assigned": gettext_lazy("The ticket is assigned or claimed"),
    "released": gettext_lazy("The assignee is removed"),
    "transferred": gettext_lazy("The ticket is moved to another line"),
    "resolved": gettext_lazy("The ticket is solved"),
    "reopened": gettext_lazy("The ticket is reopened"),
    "rated": gettext_lazy("The customer rates the answer"),
    "tagged": gettext_lazy("Tags change"),
    "sla_warning": gettext_lazy("An SLA deadline is near"),
    "sla_breached": gettext_lazy("An SLA deadline is missed"),
}

SAME_NAME: dict[str, str] = {
    EventKind.CREATED: "created",
    EventKind.NOTE_ADDED: "note_added",
    EventKind.FIELDS_CHANGED: "fields_changed",
    EventKind.TRANSFERRED: "transferred",
    EventKind.RESOLVED: "resolved",
    EventKind.REOPENED: "reopened",
    EventKind.RATED: "rated",
    EventKind.TAGGED: "tagged",
    EventKind.SLA_WARNING: "sla_warning",
    EventKind.SLA_BREACHED: "sla_breached",
}


def event_triggers(event: TicketEvent) -> set[str]:
    """The trigger names an event fires; the event's message must be loaded."""
    names = set()
    if event.kind in SAME_NAME:
        names.add(SAME_NAME[event.kind])
    changes = event.changes or {}
    message = event.message if event.message_id is not None else None
    if event.kind != EventKind.CREATED and message is not None and message.kind == MessageKind.REPLY:
        if message.author_kind == AuthorKind.CUSTOMER:
            names.add("customer_replied")
        elif message.author_kind == AuthorKind.AGENT:
            names.add("agent_replied")
    if "status" in changes and event.kind != EventKind.CREATED:
        names.add("status_changed")
    if "priority" in changes:
        names.add("priority_changed")
    if event.kind in (EventKind.ASSIGNED, EventKind.CLAIMED, EventKind.RELEASED, EventKind.TRANSFERRED):
        new = (changes.get("assignee") or [None, None])[-1]
        if new is not None:
            names.add("assigned")
        elif event.kind in (EventKind.ASSIGNED, EventKind.RELEASED):
            names.add("released")
    return names
