"""Status changes, field edits, resolving and reopening."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from otvet.core import clock
from otvet.core.errors import Conflict, InvalidInput, PermissionDenied
from otvet.tickets.access import Actor
from otvet.tickets.choices import EventKind, MessageKind, Priority, ResponsePreference, StatusCategory
from otvet.tickets.models import Attachment, Category, Criticality, Message, Status, Ticket
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

# Fields that ticket_update_fields may change, and who may change them.
AGENT_FIELDS = frozenset({"subject", "priority", "criticality", "category", "response_preference"})
CUSTOMER_FIELDS = frozenset({"response_preference"})


def ticket_change_status(*, ticket: Ticket, actor: Actor, status: Status) -> Ticket:
    """Move a ticket to another configured status (agents and rules)."""
    require_agent(actor)
    validate_status(status)
    now = clock.now()
    with transaction.atomic():
        ticket = lock(ticket)
        changes: dict[str, list[Any]] = {}
        fields = apply_status(ticket, status, now, changes)
        if not fields:
            return ticket
        ticket.updated_at = now
        ticket.save(update_fields=[*fields, "updated_at"])
        record_event(ticket, EventKind.STATUS_CHANGED, actor, changes=changes)
    return ticket


def ticket_update_fields(*, ticket: Ticket, actor: Actor, reason: str = "", **values: Any) -> Ticket:
    """Change priority, criticality, category, subject or response preference; one event lists every change.
    `reason` says why the priority changed (a rule's words); by default who changed it."""
    allowed = AGENT_FIELDS if (actor.is_agent or actor.is_system) else CUSTOMER_FIELDS
    for name in values:
        if name not in AGENT_FIELDS:
            raise InvalidInput.field(name, _("This field cannot be changed here."))
        if name not in allowed:
            raise PermissionDenied(
                _("You may not change «%(field)s».") % {"field": name}, fields={name: _("Not allowed for your role.")}
            )
    cleaned = _clean_fields(values)
    now = clock.now()
    with transaction.atomic():
        ticket = lock(ticket)
        changes: dict[str, list[Any]] = {}
        for name, value in cleaned.items():
            old = getattr(ticket, name)
            if old != value:
                changes[name] = [_plain(old), _plain(value)]
                setattr(ticket, name, value)
        if not changes:
            return ticket
        fields = list(changes)
        if "priority" in changes:
            who = f"set by {actor.user}" if actor.user else actor.system_reason
            ticket.priority_reason = (reason or who)[:255]
            fields.append("priority_reason")
        ticket.updated_at = now
        ticket.save(update_fields=[*fields, "updated_at"])
        record_event(ticket, EventKind.FIELDS_CHANGED, actor, changes=changes)
    return ticket


def ticket_resolve(
    *, ticket: Ticket, actor: Actor, body: str, body_html: str = "", attachments: Sequence[Attachment] = ()
) -> Message:
    """«Решить»: a public reply to the customer and the solved status, in one step."""
    require_agent(actor)
    solved = default_status(StatusCategory.SOLVED)
    now = clock.now()
    with transaction.atomic():
        ticket = lock(ticket)
        if not ticket.is_open:
            raise Conflict(_("The ticket is already solved or closed."), code="not_open")
        message = write_message(
            ticket,
            actor,
            kind=MessageKind.REPLY,
            body=body,
            body_html=body_html,
            attachments=attachments,
            now=now,
        )
        changes: dict[str, list[Any]] = {}
        fields = message_timestamps(ticket, message) + apply_status(ticket, solved, now, changes)
        ticket.save(update_fields=fields)
        record_event(ticket, EventKind.RESOLVED, actor, message=message, changes=changes)
    return message


def ticket_reopen(*, ticket: Ticket, actor: Actor) -> Ticket:
    """Reopen a solved ticket (the requester or an agent), or a closed one (agents only)."""
    now = clock.now()
    with transaction.atomic():
        ticket = lock(ticket)
        category = ticket.status.category
        if category not in (StatusCategory.SOLVED, StatusCategory.CLOSED):
            raise Conflict(_("The ticket is not solved or closed."), code="not_solved")
        if category == StatusCategory.CLOSED and not actor.is_agent:
            raise Conflict(_("This request is closed; please open a new one."), code="ticket_closed")
        if actor.contact is not None and actor.contact.pk != ticket.requester_id and not actor.contact.is_company_admin:
            raise PermissionDenied(_("Only the requester may reopen the request."))
        changes: dict[str, list[Any]] = {}
        fields = apply_status(ticket, default_status(StatusCategory.OPEN), now, changes)
        ticket.updated_at = ticket.waiting_since = now
        ticket.save(update_fields=[*fields, "updated_at", "waiting_since"])
        record_event(ticket, EventKind.REOPENED, actor, changes=changes)
    return ticket


def _clean_fields(values: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(values)
    if "subject" in cleaned:
        subject = " ".join(str(cleaned["subject"] or "").split())
        if not subject or len(subject) > 255:
            raise InvalidInput.field("subject", _("The subject must have 1 to 255 characters."))
        cleaned["subject"] = subject
    if "priority" in cleaned and cleaned["priority"] not in Priority.values:
        raise InvalidInput.field("priority", _("Unknown priority."))
    if "response_preference" in cleaned and cleaned["response_preference"] not in ResponsePreference.values:
        raise InvalidInput.field("response_preference", _("Unknown response preference."))
    for name, model in (("category", Category), ("criticality", Criticality)):
        value = cleaned.get(name)
        if value is not None and not isinstance(value, model):
            raise InvalidInput.field(name, _("Unknown value."))
        if isinstance(value, Category) and not value.is_active:
            raise InvalidInput.field(name, _("This category is not active."))
    return cleaned


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value for the event (codes and ids, not objects)."""
    if hasattr(value, "code"):
        return value.code
    if hasattr(value, "pk"):
        return value.pk
    return value
