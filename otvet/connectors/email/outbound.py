"""What we send by email and when: public replies and notifications, queued from committed ticket events."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.db import IntegrityError, transaction

from otvet.connectors.choices import DeliveryPurpose, InboundState
from otvet.connectors.email.addresses import is_automatic_address
from otvet.connectors.models import Delivery, InboundEmail, Mailbox
from otvet.connectors.models.template import TemplateCode
from otvet.tickets.choices import AuthorKind, Channel, EventKind, MessageKind, ResponsePreference, StatusCategory
from otvet.tickets.models import Message, Status, Ticket, TicketEvent

REPLY_EVENTS = (EventKind.CREATED, EventKind.REPLIED, EventKind.RESOLVED, EventKind.REOPENED)
STATUS_NOTICES: dict[str, TemplateCode] = {
    StatusCategory.SOLVED: TemplateCode.TICKET_SOLVED,
    StatusCategory.CLOSED: TemplateCode.TICKET_CLOSED,
}


def email_events_handler(events: Sequence[TicketEvent]) -> None:
    """Queue the mail each event calls for; idempotent, so an event processed twice sends once. The confirmations
    of a batch of new tickets are queued together (one look at their mails, one insert)."""
    confirmations: list[TicketEvent] = []
    for event in events:
        ticket = event.ticket
        if not wants_email(ticket):
            continue
        message = event.message
        if event.kind in REPLY_EVENTS and message is not None and message.kind == MessageKind.REPLY:
            if message.author_kind != AuthorKind.CUSTOMER:
                delivery_queue(
                    ticket=ticket, purpose=DeliveryPurpose.REPLY, key=f"email:reply:{message.pk}", message=message
                )
            elif event.kind == EventKind.CREATED:
                confirmations.append(event)
            continue
        new_status = (event.changes or {}).get("status", [None, None])[1]
        if event.kind == EventKind.STATUS_CHANGED and new_status:
            category = Status.objects.filter(code=new_status).values_list("category", flat=True).first()
            template = STATUS_NOTICES.get(category) if category else None
            if template is not None:
                delivery_queue(
                    ticket=ticket,
                    purpose=DeliveryPurpose.NOTIFICATION,
                    key=f"email:notify:{event.pk}",
                    template=template,
                )
    _confirm(confirmations)


def _confirm(events: Sequence[TicketEvent]) -> None:
    """Confirm new tickets to their requesters: never to a mail that an auto-responder sent (that starts a loop)."""
    if not events:
        return
    came_in: dict[int | None, InboundEmail] = {}
    mails = InboundEmail.objects.filter(message__in=[event.message_id for event in events]).select_related("mailbox")
    for row in mails.only("message", "automatic", "mailbox").order_by("pk"):  # the first of a message, as .first()
        came_in.setdefault(row.message_id, row)
    deliveries = []
    for event in events:
        mail = came_in.get(event.message_id)
        if mail is None or not mail.automatic:
            deliveries.append(
                delivery_build(
                    ticket=event.ticket,
                    purpose=DeliveryPurpose.NOTIFICATION,
                    key=f"email:notify:{event.pk}",
                    template=TemplateCode.TICKET_RECEIVED,
                    mailbox=mail.mailbox if mail is not None else None,
                )
            )
    deliveries_queue(deliveries)


def wants_email(ticket: Ticket) -> bool:
    """Customers hear from us by email when they wrote by email or asked for it, and can be written to."""
    if ticket.channel != Channel.EMAIL and ticket.response_preference != ResponsePreference.EMAIL:
        return False
    email = (ticket.requester.email or "").strip()
    return bool(email) and not is_automatic_address(email)


def delivery_queue(
    *,
    ticket: Ticket,
    purpose: DeliveryPurpose,
    key: str,
    message: Message | None = None,
    template: str = "",
    mailbox: Mailbox | None = None,
) -> Delivery:
    """Create the delivery once (its key is unique) and have the worker send it after the commit."""
    delivery = delivery_build(
        ticket=ticket, purpose=purpose, key=key, message=message, template=template, mailbox=mailbox
    )
    try:
        with transaction.atomic():
            delivery.save(force_insert=True)
    except IntegrityError:  # queued before: this event was processed once already
        return Delivery.objects.get(key=key)
    _send_after_commit([delivery.pk])
    return delivery


def deliveries_queue(deliveries: Sequence[Delivery]) -> None:
    """delivery_queue for many built deliveries: those whose key is new are inserted together and sent after the
    commit; those queued before are left alone (an event processed twice sends once)."""
    if not deliveries:
        return
    queued = set(Delivery.objects.filter(key__in=[d.key for d in deliveries]).values_list("key", flat=True))
    fresh = [delivery for delivery in deliveries if delivery.key not in queued]
    try:
        with transaction.atomic():
            Delivery.objects.bulk_create(fresh)
    except IntegrityError:  # another worker queued one of them meanwhile: one by one, each created once
        for delivery in fresh:
            delivery.pk = None
            try:
                with transaction.atomic():
                    delivery.save(force_insert=True)
            except IntegrityError:
                continue
            _send_after_commit([delivery.pk])
        return
    _send_after_commit([delivery.pk for delivery in fresh])


def delivery_build(
    *,
    ticket: Ticket,
    purpose: DeliveryPurpose,
    key: str,
    message: Message | None = None,
    template: str = "",
    mailbox: Mailbox | None = None,
) -> Delivery:
    """A delivery to the requester (and, for replies, to those in copy), with its own Message-ID; not saved."""
    mailbox = mailbox or mailbox_for(ticket)
    domain = (mailbox.domain if mailbox else "") or "otvet.invalid"
    recipients = [ticket.requester.email.strip().lower()]
    return Delivery(
        key=key,
        ticket=ticket,
        message=message,
        channel=Channel.EMAIL,
        purpose=purpose,
        template=template,
        mailbox=mailbox,
        recipients=recipients,
        cc=copy_recipients(ticket, recipients) if purpose == DeliveryPurpose.REPLY else [],
        external_id=f"otvet-{ticket.pk}-{secrets.token_hex(8)}@{domain}",
    )


def _send_after_commit(delivery_ids: list[int]) -> None:
    if not delivery_ids:
        return
    from otvet.connectors.tasks import send_delivery  # tasks import this module

    def send() -> None:
        for delivery_id in delivery_ids:
            send_delivery(delivery_id)

    transaction.on_commit(send)


def mailbox_for(ticket: Ticket) -> Mailbox | None:
    """The mailbox the customer last wrote to, else the default one, else any active one."""
    last = (
        InboundEmail.objects.filter(ticket=ticket, mailbox__is_active=True)
        .select_related("mailbox")
        .order_by("-received_at", "-id")
        .first()
    )
    if last is not None:
        return last.mailbox
    return Mailbox.objects.filter(is_active=True).order_by("-is_default", "pk").first()


def copy_recipients(ticket: Ticket, recipients: list[str]) -> list[str]:
    """Reply-all: the people in copy of the customer's latest mail, minus the requester."""
    last = (
        InboundEmail.objects.filter(ticket=ticket, state=InboundState.PROCESSED, automatic="")
        .order_by("-received_at", "-id")
        .values_list("cc", flat=True)
        .first()
    )
    return [a for a in (last or []) if a not in recipients and not is_automatic_address(a)]
