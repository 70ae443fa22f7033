"""The facts rule conditions read about a ticket, at a moment, optionally for the event being handled."""

from __future__ import annotations

import datetime as dt
from typing import Any

from otvet.automation.conditions import Facts
from otvet.lib.business_time import is_working_time
from otvet.sla.calendars import calendar_for_ticket
from otvet.tickets.choices import AuthorKind, MessageKind
from otvet.tickets.models import Message, Ticket, TicketEvent

TICKET_RELATED = ("status", "line", "company__plan", "criticality", "assignee")


def ticket_facts(ticket: Ticket, at: dt.datetime, event: TicketEvent | None = None) -> Facts:
    """Plain values of `ticket` for conditions; the ticket needs TICKET_RELATED loaded."""
    company = ticket.company
    values: dict[str, Any] = {
        "status": ticket.status.code,
        "status_category": ticket.status.category,
        "line": ticket.line.code,
        "plan": company.plan.code if company is not None else None,
        "priority": ticket.priority,
        "criticality": ticket.criticality.code if ticket.criticality is not None else None,
        "category": ticket.category_id,
        "channel": ticket.channel,
        "company": ticket.company_id,
        "assignee": ticket.assignee_id,
        "kind": ticket.kind,
        "subject": ticket.subject,
        "sla_state": ticket.sla_state,
        "event_actor": event.actor_kind if event is not None else None,
        "answered": ticket.first_response_at is not None,
        "answered_since_claimed": bool(
            ticket.claimed_at and ticket.last_agent_message_at and ticket.last_agent_message_at >= ticket.claimed_at
        ),
    }
    return Facts(
        values=values,
        lazy={
            "tags": lambda: [tag.name for tag in ticket.tags.all()],
            "body": lambda: _body(ticket, event),
            "within_business_hours": lambda: is_working_time(calendar_for_ticket(ticket), at),
        },
    )


def _body(ticket: Ticket, event: TicketEvent | None) -> str:
    """The text of the event's message, else of the customer's latest public message."""
    if event is not None and event.message_id is not None:
        message = event.message
        return message.body_text if message is not None else ""
    latest = (
        Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY, author_kind=AuthorKind.CUSTOMER)
        .order_by("-created_at", "-id")
        .values_list("body_text", flat=True)
        .first()
    )
    return latest or ""
