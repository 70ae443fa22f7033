"""Replies and internal notes."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from otvet.core import clock
from otvet.core.errors import Conflict
from otvet.tickets.access import Actor
from otvet.tickets.choices import EventKind, MessageKind, StatusCategory
from otvet.tickets.models import Attachment, Message, Status, Ticket
from otvet.tickets.services.common import (
    apply_status,
    default_status,
    lock,
    message_timestamps,
    record_event,
    require_agent,
    validate_status,
    write_message,
)


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
    now = clock.now()
    with transaction.atomic():
        ticket = lock(ticket)
        category = ticket.status.category
        if category == StatusCategory.CLOSED and not actor.is_agent:
            raise Conflict(_("This request is closed; please open a new one."), code="ticket_closed")
        message = write_message(
            ticket,
            actor,
            kind=MessageKind.REPLY,
            body=body,
            body_html=body_html,
            channel=channel,
            external_id=external_id,
            attachments=attachments,
            now=now,
        )
        fields = message_timestamps(ticket, message)
        changes: dict[str, list] = {}
        kind = EventKind.REPLIED
        if status is not None:
            fields += apply_status(ticket, status, now, changes)
        elif not actor.is_agent and category == StatusCategory.SOLVED:
            fields += apply_status(ticket, default_status(StatusCategory.OPEN), now, changes)
            kind = EventKind.REOPENED
        ticket.save(update_fields=fields)
        record_event(ticket, kind, actor, message=message, changes=changes)
    return message


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
