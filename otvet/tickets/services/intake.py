"""Opening a ticket from any channel."""

from __future__ import annotations

from collections.abc import Sequence

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
from otvet.tickets.models import Attachment, Category, Criticality, Line, Message, Ticket
from otvet.tickets.services.common import default_status, message_timestamps, record_event, write_message
from otvet.tickets.services.lines import intake_line

MAX_SUBJECT_CHARS = 255


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
    with transaction.atomic():
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
        message_timestamps(ticket, Message(kind=MessageKind.REPLY, author_kind=author.kind, created_at=now))
        ticket.save(force_insert=True)
        message = write_message(
            ticket,
            author,
            kind=MessageKind.REPLY,
            body=body,
            body_html=body_html,
            external_id=external_id,
            attachments=attachments,
            now=now,
        )
        ticket.opening_message = message
        record_event(
            ticket,
            EventKind.CREATED,
            actor,
            message=message,
            changes={"status": [None, status.code], "line": [None, ticket.line.code]},
        )
    return ticket
