"""Replies and internal notes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from otvet.core import clock
from otvet.core.errors import Conflict
from otvet.tickets.access import Actor
from otvet.tickets.choices import AuthorKind, EventKind, MessageKind, StatusCategory
from otvet.tickets.models import Attachment, Message, Status, Ticket, TicketEvent
from otvet.tickets.services.common import (
    apply_status,
    default_status,
    event_build,
    event_save,
    lock,
    message_build,
    message_save,
    message_timestamps,
    record_event,
    require_agent,
    validate_status,
    write_message,
)


@dataclass
class NewReply:
    """A public reply built on a locked ticket by reply_build: the ticket is moved in memory, nothing is saved."""

    ticket: Ticket
    message: Message
    event: TicketEvent
    fields: list[str]  # the ticket's fields the reply moved
    attachments: Sequence[Attachment]
    author: Actor


def ticket_reply(
    *,
    ticket: Ticket,
    actor: Actor,
    body: str,
    body_html: str = "",
    attachments: Sequence[Attachment] = (),
    channel: str | None = None,
    external_id: str = "",
    status: Status | None = None,
) -> Message:
    """A public reply. A customer's reply to a solved ticket reopens it; an agent may set a status in the same step."""
    if status is not None:
        require_agent(actor)
        validate_status(status)
    with transaction.atomic():
        reply = reply_build(
            ticket=lock(ticket),
            actor=actor,
            body=body,
            body_html=body_html,
            attachments=attachments,
            channel=channel,
            external_id=external_id,
            status=status,
        )
        message_save(reply.message, reply.attachments, actor)
        reply.ticket.save(update_fields=reply.fields)
        event_save(reply.event)
    return reply.message


def reply_build(
    *,
    ticket: Ticket,
    actor: Actor,
    body: str,
    body_html: str = "",
    attachments: Sequence[Attachment] = (),
    channel: str | None = None,
    external_id: str = "",
    status: Status | None = None,
) -> NewReply:
    """What ticket_reply writes, on a ticket locked by the caller: the message and event built, the ticket's
    timestamps and status moved in memory. ticket_reply saves one, tickets_save_many many."""
    category = ticket.status.category
    if category == StatusCategory.CLOSED and not actor.is_agent:
        raise Conflict(_("This request is closed; please open a new one."), code="ticket_closed")
    now = clock.now()
    message = message_build(
        ticket,
        actor,
        kind=MessageKind.REPLY,
        body=body,
        body_html=body_html,
        channel=channel,
        external_id=external_id,
        now=now,
    )
    fields = message_timestamps(ticket, message)
    changes: dict[str, list] = {}
    kind = EventKind.REPLIED
    if status is not None:
        fields += apply_status(ticket, status, now, changes)
    elif actor.kind == AuthorKind.CUSTOMER and category == StatusCategory.SOLVED:
        fields += apply_status(ticket, default_status(StatusCategory.OPEN), now, changes)
        kind = EventKind.REOPENED
    event = event_build(ticket, kind, actor, message=message, changes=changes)
    return NewReply(
        ticket=ticket, message=message, event=event, fields=fields, attachments=tuple(attachments), author=actor
    )


def ticket_add_note(
    *, ticket: Ticket, actor: Actor, body: str, body_html: str = "", attachments: Sequence[Attachment] = ()
) -> Message:
    """An internal note [скрытый комментарий]: seen by agents only, never sent, never changes the status."""
    require_agent(actor)
    now = clock.now()
    with transaction.atomic():
        ticket = lock(ticket)
        message = write_message(
            ticket,
            actor,
            kind=MessageKind.NOTE,
            body=body,
            body_html=body_html,
            attachments=attachments,
            now=now,
        )
        ticket.save(update_fields=message_timestamps(ticket, message))
        record_event(ticket, EventKind.NOTE_ADDED, actor, message=message)
    return message
