"""Opening a ticket from any channel."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from otvet.core import clock
from otvet.core.errors import InvalidInput, PermissionDenied
from otvet.customers.models import Contact
from otvet.tickets.access import Actor
from otvet.tickets.choices import (
    AlertType,
    Channel,
    EventKind,
    MessageKind,
    Priority,
    ResponsePreference,
    StatusCategory,
    TicketKind,
)
from otvet.tickets.models import Attachment, Category, Criticality, Line, Message, Ticket, TicketEvent
from otvet.tickets.services.common import (
    default_status,
    event_build,
    event_save,
    message_build,
    message_save,
    message_timestamps,
)
from otvet.tickets.services.lines import intake_line

MAX_SUBJECT_CHARS = 255


@dataclass
class NewTicket:
    """A ticket with its first message and event, built and validated but not saved (see ticket_build)."""

    ticket: Ticket
    message: Message
    event: TicketEvent
    attachments: Sequence[Attachment]
    author: Actor  # whom the first message speaks for; its user must have uploaded the attachments


def ticket_open(
    *,
    actor: Actor,
    requester: Contact,
    subject: str,
    body: str,
    channel: Channel,
    body_html: str = "",
    category: Category | None = None,
    line: Line | None = None,
    criticality: Criticality | None = None,
    priority: Priority = Priority.NORMAL,
    response_preference: ResponsePreference = ResponsePreference.PORTAL,
    attachments: Sequence[Attachment] = (),
    external_id: str = "",
    kind: TicketKind = TicketKind.REQUEST,
    alert_type: AlertType | str = "",
) -> Ticket:
    """Open a ticket for `requester` with its first message; a system alert is opened by an agent to a customer."""
    with transaction.atomic():
        new = ticket_build(
            actor=actor,
            requester=requester,
            subject=subject,
            body=body,
            channel=channel,
            body_html=body_html,
            category=category,
            line=line,
            criticality=criticality,
            priority=priority,
            response_preference=response_preference,
            attachments=attachments,
            external_id=external_id,
            kind=kind,
            alert_type=alert_type,
        )
        new.ticket.save(force_insert=True)
        message_save(new.message, new.attachments, new.author)
        event_save(new.event)
    return new.ticket


def ticket_build(
    *,
    actor: Actor,
    requester: Contact,
    subject: str,
    body: str,
    channel: Channel,
    body_html: str = "",
    category: Category | None = None,
    line: Line | None = None,
    criticality: Criticality | None = None,
    priority: Priority = Priority.NORMAL,
    response_preference: ResponsePreference = ResponsePreference.PORTAL,
    attachments: Sequence[Attachment] = (),
    external_id: str = "",
    kind: TicketKind = TicketKind.REQUEST,
    alert_type: AlertType | str = "",
) -> NewTicket:
    """Everything ticket_open writes, validated and built but not saved: ticket_open saves one, tickets_save_many
    many. Call inside a transaction (a partner's first line may be created on the way)."""
    subject = " ".join((subject or "").split())
    if not subject:
        raise InvalidInput.field("subject", _("The subject is empty."))
    if len(subject) > MAX_SUBJECT_CHARS:
        raise InvalidInput.field(
            "subject", _("The subject is longer than %(n)s characters.") % {"n": MAX_SUBJECT_CHARS}
        )
    if actor.contact is not None and actor.contact.pk != requester.pk:
        raise PermissionDenied(_("Customers open tickets only for themselves."))
    is_alert = kind == TicketKind.ALERT
    if is_alert and not actor.is_agent:
        raise PermissionDenied(_("Only agents send system alerts."))
    if is_alert and alert_type not in AlertType.values:
        raise InvalidInput.field("alert_type", _("Choose the kind of alert."))
    if category is not None and not category.is_active:
        raise InvalidInput.field("category", _("This category is not active."))

    now = clock.now()
    company = requester.company
    status = default_status(StatusCategory.WAITING_CUSTOMER if is_alert else StatusCategory.NEW)
    ticket = Ticket(
        subject=subject,
        kind=kind,
        alert_type=alert_type if is_alert else "",
        requester=requester,
        company=company,
        channel=channel,
        status=status,
        is_open=status.is_open,
        priority=priority,
        criticality=criticality,
        category=category,
        line=intake_line(company, line),
        response_preference=response_preference,
        created_by=actor.user,
        created_at=now,
        updated_at=now,
        waiting_since=now,
        status_changed_at=now,
    )
    # The first message speaks for the requester, even when an agent types it (a phone call); an alert is
    # the agent's own message. Its timestamps go into the INSERT: no UPDATE after it.
    author = actor if is_alert or actor.contact is not None else Actor(user=actor.user, contact=requester)
    message = message_build(
        ticket, author, kind=MessageKind.REPLY, body=body, body_html=body_html, external_id=external_id, now=now
    )
    message_timestamps(ticket, message)
    ticket.opening_message = message
    event = event_build(
        ticket,
        EventKind.CREATED,
        actor,
        message=message,
        changes={"status": [None, status.code], "line": [None, ticket.line.code]},
    )
    return NewTicket(ticket=ticket, message=message, event=event, attachments=tuple(attachments), author=author)
