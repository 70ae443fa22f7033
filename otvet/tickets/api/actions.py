"""One-step actions on a ticket: claim («Я отвечу»), release, transfer, resolve, reopen, rate."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from otvet.api.auth import request_actor
from otvet.api.errors import responses
from otvet.tickets.access import ticket_get_for_user
from otvet.tickets.api.common import number_param, optional_body, ticket_after_write, ticket_view
from otvet.tickets.api.lookups import attachments_by_ids, line_by_code, message_on, rating_mark_by_code
from otvet.tickets.schemas import ClaimIn, RateIn, RatingOut, ResolveIn, TicketAgentOut, TicketOut, TransferIn
from otvet.tickets.services import (
    ticket_claim,
    ticket_rate,
    ticket_release,
    ticket_reopen,
    ticket_resolve,
    ticket_transfer,
)
from otvet.tickets.services.common import require_agent

router = Router(tags=["actions"])

# Parameter defaults built once per module (ninja reads them when the route is declared).
CLAIM_BODY = optional_body()

TicketResponse = responses({200: TicketAgentOut | TicketOut})


@router.post("/tickets/{number}/claim", response=TicketResponse)
def ticket_claim_action(
    request: HttpRequest, payload: ClaimIn = CLAIM_BODY, number: int = number_param()
) -> TicketAgentOut | TicketOut:
    """«Я отвечу»: take the ticket. 409 while another agent holds it; a supervisor may pass `force`."""
    actor = request_actor(request)
    ticket = ticket_get_for_user(actor, number)
    force = payload.force if payload is not None else False  # the body may be left out
    ticket = ticket_claim(ticket=ticket, actor=actor, force=force)
    return ticket_view(actor, ticket_after_write(ticket.pk))


@router.post("/tickets/{number}/release", response=TicketResponse)
def ticket_release_action(request: HttpRequest, number: int = number_param()) -> TicketAgentOut | TicketOut:
    """Give the ticket back to its line's queue (its assignee or a supervisor)."""
    actor = request_actor(request)
    ticket = ticket_release(ticket=ticket_get_for_user(actor, number), actor=actor)
    return ticket_view(actor, ticket_after_write(ticket.pk))


@router.post("/tickets/{number}/transfer", response=TicketResponse)
def ticket_transfer_action(
    request: HttpRequest, payload: TransferIn, number: int = number_param()
) -> TicketAgentOut | TicketOut:
    """Pass the ticket to another line, with an internal note for it."""
    actor = request_actor(request)
    ticket = ticket_get_for_user(actor, number)
    require_agent(actor)  # before the line lookup: a customer is refused, not told the line is unknown
    line = line_by_code(actor, payload.line)
    ticket = ticket_transfer(ticket=ticket, actor=actor, line=line, note=payload.note)
    return ticket_view(actor, ticket_after_write(ticket.pk))


@router.post("/tickets/{number}/resolve", response=TicketResponse)
def ticket_resolve_action(
    request: HttpRequest, payload: ResolveIn, number: int = number_param()
) -> TicketAgentOut | TicketOut:
    """«Решить»: a public reply and the solved status in one step."""
    actor = request_actor(request)
    ticket = ticket_get_for_user(actor, number)
    attachments = attachments_by_ids(payload.attachments)
    ticket_resolve(ticket=ticket, actor=actor, body=payload.body, body_html=payload.body_html, attachments=attachments)
    return ticket_view(actor, ticket_after_write(ticket.pk))


@router.post("/tickets/{number}/reopen", response=TicketResponse)
def ticket_reopen_action(request: HttpRequest, number: int = number_param()) -> TicketAgentOut | TicketOut:
    """Reopen a solved ticket (its requester or support) or a closed one (support)."""
    actor = request_actor(request)
    ticket = ticket_reopen(ticket=ticket_get_for_user(actor, number), actor=actor)
    return ticket_view(actor, ticket_after_write(ticket.pk))


@router.post("/tickets/{number}/rate", response=responses({200: RatingOut}))
def ticket_rate_action(request: HttpRequest, payload: RateIn, number: int = number_param()) -> RatingOut:
    """The requester rates a solved ticket; rating again replaces the mark."""
    actor = request_actor(request)
    ticket = ticket_get_for_user(actor, number)
    mark = rating_mark_by_code(payload.mark)
    message = message_on(actor, ticket, payload.message)
    rating = ticket_rate(ticket=ticket, actor=actor, mark=mark, comment=payload.comment, message=message)
    return RatingOut.from_orm(rating)
