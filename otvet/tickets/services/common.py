"""What every ticket service shares: locking, events, status bookkeeping, message writing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from otvet.core import clock
from otvet.core.cache import cached_twice, local_forget
from otvet.core.errors import InvalidInput, PermissionDenied
from otvet.core.sanitize import clean_html, text_to_html
from otvet.tickets.access import Actor
from otvet.tickets.choices import AuthorKind, EventKind, MessageKind, StatusCategory
from otvet.tickets.models import Attachment, Message, Status, Ticket, TicketEvent

MAX_BODY_CHARS = 200_000


def lock(ticket: Ticket) -> Ticket:
    """The ticket re-read under a row lock, for the rest of the transaction."""
    return Ticket.objects.select_for_update(of=("self",)).select_related("status", "line").get(pk=ticket.pk)


def require_agent(actor: Actor) -> None:
    if not (actor.is_agent or actor.is_system):
        raise PermissionDenied(_("Only support staff may do this."))


def event_build(
    ticket: Ticket,
    kind: EventKind,
    actor: Actor,
    *,
    changes: dict[str, list[Any]] | None = None,
    message: Message | None = None,
    note: str = "",
) -> TicketEvent:
    """The one event of a service call, not yet saved (event_save saves one, events_save many)."""
    return TicketEvent(
        ticket=ticket,
        kind=kind,
        actor_kind=actor.kind,
        actor=actor.user,
        changes=changes or {},
        message=message,
        note=note or actor.system_reason,
        rule_id=actor.rule_id,
        created_at=clock.now(),
    )


def record_event(
    ticket: Ticket,
    kind: EventKind,
    actor: Actor,
    *,
    changes: dict[str, list[Any]] | None = None,
    message: Message | None = None,
    note: str = "",
) -> TicketEvent:
    """Write the one event of a service call and have it processed once the transaction commits."""
    return event_save(event_build(ticket, kind, actor, changes=changes, message=message, note=note))


def event_save(event: TicketEvent) -> TicketEvent:
    """Write a built event and have it processed once the transaction commits."""
    event.save(force_insert=True)
    from otvet.tickets.tasks import process_ticket_event  # tasks import services: break the cycle here

    transaction.on_commit(lambda: process_ticket_event(event.pk))
    return event


def events_save(events: Sequence[TicketEvent]) -> None:
    """Write built events in one statement and have them processed together (one job) once the transaction
    commits; their tickets and messages must be saved already."""
    if not events:
        return
    TicketEvent.objects.bulk_create(events)
    from otvet.tickets.tasks import process_ticket_events  # tasks import services: break the cycle here

    ids = [event.pk for event in events]
    transaction.on_commit(lambda: process_ticket_events(ids))


DEFAULT_STATUS_KEY = "otvet:tickets:default-status:{}"
DEFAULT_STATUS_TTL = 60  # saving a status forgets them at once (apps.py); the TTL bounds other processes' lag
LOCAL_SECONDS = 2  # each process keeps its copy this long: another process's change reaches it within that


def default_status(category: StatusCategory) -> Status:
    """The status the system uses for a category (the marked default, else the first by order); every ticket
    opened asks, so the answer is cached briefly."""
    key = DEFAULT_STATUS_KEY.format(category)
    status = cached_twice(key, LOCAL_SECONDS, lambda: _default_status_shared(key, category))
    if status is None:
        raise InvalidInput(
            _("No active status of category «%(category)s» is configured.") % {"category": category.label},
            code="misconfigured",
        )
    return status


def _default_status_shared(key: str, category: StatusCategory) -> Status | None:
    status = cache.get(key)
    if status is None:
        status = Status.objects.filter(category=category, is_active=True).order_by("-is_default", "order").first()
        if status is not None:
            cache.set(key, status, DEFAULT_STATUS_TTL)
    return status


def default_statuses_forget(*args: Any, **kwargs: Any) -> None:
    """Drop the cached default statuses (connected to saves of statuses)."""
    keys = [DEFAULT_STATUS_KEY.format(category) for category in StatusCategory.values]
    cache.delete_many(keys)
    local_forget(*keys)


def apply_status(ticket: Ticket, status: Status, now: dt.datetime, changes: dict[str, list[Any]]) -> list[str]:
    """Move `ticket` to `status`, keeping is_open and the resolved/closed moments true; returns changed fields."""
    if status.pk == ticket.status_id:
        return []
    changes["status"] = [ticket.status.code, status.code]
    ticket.status = status
    ticket.is_open = status.is_open
    ticket.status_changed_at = now
    fields = ["status", "is_open", "status_changed_at"]
    if status.category == StatusCategory.SOLVED:
        ticket.resolved_at, ticket.closed_at = now, None
        fields += ["resolved_at", "closed_at"]
    elif status.category == StatusCategory.CLOSED:
        ticket.closed_at = now
        ticket.resolved_at = ticket.resolved_at or now
        fields += ["closed_at", "resolved_at"]
    elif ticket.resolved_at or ticket.closed_at:
        ticket.resolved_at = ticket.closed_at = None
        fields += ["resolved_at", "closed_at"]
    return fields


def clean_body(body: str, body_html: str) -> tuple[str, str]:
    """Validated text and sanitized HTML of a message."""
    body = (body or "").strip()
    if not body:
        raise InvalidInput.field("body", _("The message is empty."))
    if len(body) > MAX_BODY_CHARS:
        raise InvalidInput.field("body", _("The message is longer than %(n)s characters.") % {"n": MAX_BODY_CHARS})
    return body, clean_html(body_html) if body_html else text_to_html(body)


def message_build(
    ticket: Ticket,
    actor: Actor,
    *,
    kind: MessageKind,
    body: str,
    body_html: str = "",
    channel: str | None = None,
    external_id: str = "",
    now: dt.datetime,
) -> Message:
    """A validated message with sanitized HTML, not yet saved (message_save saves it with its attachments)."""
    text, html = clean_body(body, body_html)
    return Message(
        ticket=ticket,
        kind=kind,
        author_kind=actor.kind,
        author_user=actor.user,
        author_contact=actor.contact,
        channel=channel or ticket.channel,
        body_text=text,
        body_html=html,
        external_id=external_id,
        created_at=now,
    )


def write_message(
    ticket: Ticket,
    actor: Actor,
    *,
    kind: MessageKind,
    body: str,
    body_html: str = "",
    channel: str | None = None,
    external_id: str = "",
    attachments: Sequence[Attachment] = (),
    now: dt.datetime,
) -> Message:
    """Store a message with its attachments and move the ticket's message timestamps (fields returned via ticket)."""
    message = message_build(
        ticket, actor, kind=kind, body=body, body_html=body_html, channel=channel, external_id=external_id, now=now
    )
    return message_save(message, attachments, actor)


def message_save(message: Message, attachments: Sequence[Attachment], actor: Actor) -> Message:
    """Write a built message and link the files `actor` uploaded for it."""
    message.save(force_insert=True)
    link_attachments(message, attachments, actor)
    return message


def link_attachments(message: Message, attachments: Sequence[Attachment], actor: Actor) -> None:
    """Attach uploaded files; only files the same user uploaded and that belong to no message yet."""
    if not attachments:
        return
    ids = [a.pk for a in attachments]
    linked = Attachment.objects.filter(pk__in=ids, message__isnull=True, uploaded_by=actor.user).update(message=message)
    if linked != len(set(ids)):
        raise InvalidInput.field("attachments", _("An attachment is unknown, not yours, or already used."))


def message_timestamps(ticket: Ticket, message: Message) -> list[str]:
    """Move first-response, last-message, last-interaction and waiting-since for a new message."""
    now = message.created_at
    fields = ["last_interaction_at", "updated_at"]
    ticket.last_interaction_at = ticket.updated_at = now
    # Notes, and replies the system writes by itself (an automatic answer out of hours), are nobody's turn:
    # they answer no one in the sense of first response, SLA or the queue's waiting time.
    if message.kind != MessageKind.REPLY or message.author_kind == AuthorKind.SYSTEM:
        return fields
    was_awaiting_support = awaiting_support(ticket)
    if message.author_kind == AuthorKind.CUSTOMER:
        ticket.last_customer_message_at = now
        fields.append("last_customer_message_at")
        if not was_awaiting_support:
            ticket.waiting_since = now
            fields.append("waiting_since")
    else:
        ticket.last_agent_message_at = now
        fields.append("last_agent_message_at")
        if ticket.first_response_at is None:
            ticket.first_response_at = now
            fields.append("first_response_at")
        if was_awaiting_support:
            ticket.waiting_since = now
            fields.append("waiting_since")
    return fields


def awaiting_support(ticket: Ticket) -> bool:
    """The ball is in support's court: no agent reply yet, or the customer wrote after the last one."""
    if ticket.last_agent_message_at is None:
        return True
    return (
        ticket.last_customer_message_at is not None and ticket.last_customer_message_at > ticket.last_agent_message_at
    )


def validate_status(status: Status | None) -> Status:
    """A status a ticket may be moved to."""
    if status is None or not status.is_active:
        raise InvalidInput.field("status", _("Choose an active status."))
    return status
