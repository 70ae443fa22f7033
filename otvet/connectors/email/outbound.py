"""What we send by email and when: public replies and notifications, queued from committed ticket events."""

from __future__ import annotations

import secrets

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


def email_event_handler(event: TicketEvent) -> None:
    """Queue the mail an event calls for; idempotent, so an event processed twice sends once."""
    ticket = event.ticket
    if not wants_email(ticket):
        return
    message = event.message
    if event.kind in REPLY_EVENTS and message is not None and message.kind == MessageKind.REPLY:
        if message.author_kind != AuthorKind.CUSTOMER:
            delivery_queue(
                ticket=ticket, purpose=DeliveryPurpose.REPLY, key=f"email:reply:{message.pk}", message=message
            )
            return
        if event.kind != EventKind.CREATED:
            return
        came_in = InboundEmail.objects.filter(message=message).select_related("mailbox").first()
        if came_in is None or not came_in.automatic:  # confirming an auto-responder would start a loop
            delivery_queue(
                ticket=ticket,
                purpose=DeliveryPurpose.NOTIFICATION,
                key=f"email:notify:{event.pk}",
                template=TemplateCode.TICKET_RECEIVED,
                mailbox=came_in.mailbox if came_in is not None else None,
            )
        return
    new_status = (event.changes or {}).get("status", [None, None])[1]
    if event.kind == EventKind.STATUS_CHANGED and new_status:
        category = Status.objects.filter(code=new_status).values_list("category", flat=True).first()
        template = STATUS_NOTICES.get(category) if category else None
        if template is not None:
            delivery_queue(
                ticket=ticket, purpose=DeliveryPurpose.NOTIFICATION, key=f"email:notify:{event.pk}", template=template
            )


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
    mailbox = mailbox or mailbox_for(ticket)
    domain = (mailbox.domain if mailbox else "") or "otvet.invalid"
    recipients = [ticket.requester.email.strip().lower()]
    delivery = Delivery(
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
    try:
        with transaction.atomic():
            delivery.save(force_insert=True)
    except IntegrityError:  # queued before: this event was processed once already
        return Delivery.objects.get(key=key)
    from otvet.connectors.tasks import send_delivery  # tasks import this module

    transaction.on_commit(lambda: send_delivery(delivery.pk))
    return delivery


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
