"""Who works a ticket: assigning, claiming («Я отвечу»), releasing, transferring to another line."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from otvet.accounts.models import Agent
from otvet.core import clock
from otvet.core.errors import Conflict, InvalidInput, PermissionDenied
from otvet.tickets.access import Actor, agent_may_see
from otvet.tickets.choices import EventKind, MessageKind, StatusCategory
from otvet.tickets.models import Line, Ticket
from otvet.tickets.services.common import (
    apply_status,
    default_status,
    lock,
    message_timestamps,
    record_event,
    require_agent,
    write_message,
)
from otvet.tickets.services.lines import check_transfer_target


def _agent_ref(agent: Agent | None) -> int | None:
    return agent.pk if agent is not None else None


def ticket_assign(*, ticket: Ticket, actor: Actor, assignee: Agent | None, note: str = "") -> Ticket:
    """Make `assignee` (or nobody) responsible; the assignee must be active and have the ticket in scope."""
    require_agent(actor)
    if assignee is not None and (not assignee.is_active or not agent_may_see(assignee, ticket)):
        raise InvalidInput.field("assignee", _("This agent cannot work this ticket."))
    now = clock.now()
    with transaction.atomic():
        ticket = lock(ticket)
        if ticket.assignee_id == _agent_ref(assignee):
            return ticket
        changes = {"assignee": [ticket.assignee_id, _agent_ref(assignee)]}
        ticket.assignee = assignee
        # Only an agent who takes the ticket himself has claimed it («Я отвечу»): the «claimed but not answered»
        # timers count from that, not from an assignment by a supervisor or a rule.
        taking_it = assignee is not None and actor.agent is not None and actor.agent.pk == assignee.pk
        ticket.claimed_at = now if taking_it else None
        ticket.updated_at = now
        ticket.save(update_fields=["assignee", "claimed_at", "updated_at"])
        record_event(ticket, EventKind.ASSIGNED, actor, changes=changes, note=note.strip())
    return ticket


def ticket_claim(*, ticket: Ticket, actor: Actor, force: bool = False) -> Ticket:
    """«Я отвечу»: assign to oneself; refused while another agent holds it, unless a supervisor forces it."""
    if actor.agent is None:
        raise PermissionDenied(_("Only agents claim tickets."))
    if force and not actor.is_supervisor:
        raise PermissionDenied(_("Only supervisors take over a ticket held by someone else."))
    now = clock.now()
    with transaction.atomic():
        ticket = lock(ticket)
        if ticket.assignee_id == actor.agent.pk:
            return ticket
        if ticket.assignee_id is not None and not force:
            raise Conflict(_("Another agent is already answering this ticket."), code="already_claimed")
        changes: dict[str, list[Any]] = {"assignee": [ticket.assignee_id, actor.agent.pk]}
        fields = ["assignee", "claimed_at", "updated_at"]
        if ticket.status.category == StatusCategory.NEW:
            fields += apply_status(ticket, default_status(StatusCategory.OPEN), now, changes)
        ticket.assignee = actor.agent
        ticket.claimed_at = ticket.updated_at = now
        ticket.save(update_fields=fields)
        record_event(ticket, EventKind.CLAIMED, actor, changes=changes)
    return ticket


def ticket_release(*, ticket: Ticket, actor: Actor) -> Ticket:
    """Give a ticket back to the queue: its assignee, a supervisor or the system may."""
    require_agent(actor)
    now = clock.now()
    with transaction.atomic():
        ticket = lock(ticket)
        if ticket.assignee_id is None:
            return ticket
        holder = actor.agent is not None and ticket.assignee_id == actor.agent.pk
        if not (holder or actor.is_supervisor or actor.is_system):
            raise PermissionDenied(_("Only the assignee or a supervisor may release this ticket."))
        changes = {"assignee": [ticket.assignee_id, None]}
        ticket.assignee, ticket.claimed_at, ticket.updated_at = None, None, now
        ticket.save(update_fields=["assignee", "claimed_at", "updated_at"])
        record_event(ticket, EventKind.RELEASED, actor, changes=changes)
    return ticket


def ticket_transfer(*, ticket: Ticket, actor: Actor, line: Line, note: str = "") -> Ticket:
    """Pass a ticket to another line with an internal note; it leaves its assignee and joins that line's queue."""
    require_agent(actor)
    check_transfer_target(line, ticket.company)
    now = clock.now()
    with transaction.atomic():
        ticket = lock(ticket)
        if ticket.line_id == line.pk:
            raise InvalidInput.field("line", _("The ticket is already in this line."))
        changes: dict[str, list[Any]] = {
            "line": [ticket.line.code, line.code],
            "assignee": [ticket.assignee_id, None],
        }
        message = None
        fields = ["line", "assignee", "claimed_at", "updated_at"]
        if note.strip():
            message = write_message(ticket, actor, kind=MessageKind.NOTE, body=note, now=now)
            fields += message_timestamps(ticket, message)
        ticket.line, ticket.assignee, ticket.claimed_at, ticket.updated_at = line, None, None, now
        ticket.save(update_fields=list(dict.fromkeys(fields)))
        record_event(ticket, EventKind.TRANSFERRED, actor, changes=changes, message=message, note=note.strip())
    return ticket
