"""What the ticket endpoints share: how a ticket is loaded for output and which shape each role gets."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from ninja import Path
from ninja.params import functions as params

from otvet.api.schemas import MAX_ID
from otvet.tickets.access import Actor
from otvet.tickets.models import Ticket
from otvet.tickets.schemas import TicketAgentOut, TicketOut

# Everything TicketAgentOut renders. Per-ticket rows are joined; the small vocabularies (status, line, plan,
# criticality, category) are prefetched, one query each: a ten-table join exceeds PostgreSQL's join_collapse_limit
# and made the planner cost more than the query (measured by `make bench` at 1M tickets).
TICKET_JOINED = ("requester", "company", "assignee__user")
TICKET_PREFETCHED = ("status", "line", "company__plan", "criticality", "category")


def with_related(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """`tickets` loading what the output shapes render, in a fixed number of queries."""
    return tickets.select_related(*TICKET_JOINED).prefetch_related(*TICKET_PREFETCHED)


def number_param() -> Any:
    return Path(..., ge=1, le=MAX_ID, description="The ticket number.")


def files_param() -> Any:
    """Optional files of a multipart request (typed as a plain list so the docs offer a file picker)."""
    return params.File(None, description="Files to attach (multipart requests only).")


def optional_body() -> Any:
    """A JSON body whose every field has a default, so the body itself may be left out."""
    return params.Body(None)


def ticket_view(actor: Actor, ticket: Ticket) -> TicketAgentOut | TicketOut:
    """Support gets line, assignee and priority; customers get the public shape."""
    schema = TicketAgentOut if actor.sees_internal else TicketOut
    return schema.from_orm(ticket)


def ticket_after_write(number: int) -> Ticket:
    """The ticket a service just changed, reloaded in one query for output.

    Not re-scoped on purpose: the actor was authorised for the change, and a transfer may legitimately move the
    ticket out of their sight (a platform agent handing a ticket to a partner's line).
    """
    # One row by primary key: a single joined query plans quickly and saves five round trips.
    return Ticket.objects.select_related(*TICKET_JOINED, *TICKET_PREFETCHED).get(pk=number)
