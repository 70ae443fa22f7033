"""Turning a parsed messenger message into a ticket message: contact, thread, attachments, idempotently."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from otvet.connectors.models import Delivery
from otvet.core import clock
from otvet.core.errors import Conflict, TooLarge
from otvet.customers.choices import IdentityKind
from otvet.customers.models import Contact
from otvet.customers.services import contact_for_identity, contact_phone_learn
from otvet.tickets.access import Actor
from otvet.tickets.choices import Channel, StatusCategory
from otvet.tickets.models import Attachment, Line, Message, Ticket
from otvet.tickets.services.attachments import attachment_store
from otvet.tickets.services.intake import ticket_open
from otvet.tickets.services.messages import ticket_reply

SUBJECT_CHARS = 120
RECENT_TICKETS = 20


@dataclass(frozen=True)
class IncomingFile:
    """A file sent with a message: its bytes, or a callable that fetches them from the platform."""

    filename: str
    content_type: str = ""
    content: bytes | None = None
    fetch: Callable[[], bytes] | None = None
    size: int | None = None  # as the platform announced it: an over-size file is not even fetched


@dataclass(frozen=True)
class IncomingMessage:
    """One customer message from any messenger, in the channel layer's own terms."""

    channel: Channel
    sender_id: str  # the person's id on the channel: the contact's identity
    chat_id: str  # where replies go
    external_id: str  # unique on the channel: the message is ingested once
    text: str = ""
    name: str = ""
    username: str = ""
    phone: str = ""
    attachments: Sequence[IncomingFile] = ()
    edited: bool = False
    reply_to: str = ""  # the external id of the message it answers, if it answers one
    line: Line | None = None


@dataclass
class FetchedFiles:
    """The message's files as bytes, and the names of those left out (too large, or gone at the platform)."""

    files: list[tuple[str, bytes]] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)


def files_fetch(incoming: IncomingMessage) -> FetchedFiles:
    """Download the message's files (outside any transaction: this is network I/O); over-size ones are left out."""
    fetched = FetchedFiles()
    limit = settings.OTVET_ATTACHMENT_MAX_BYTES
    for item in incoming.attachments:
        if item.size is not None and item.size > limit:
            fetched.left_out.append(item.filename)
            continue
        content = item.content if item.content is not None else (item.fetch() if item.fetch else b"")
        if content:
            fetched.files.append((item.filename, content))
    return fetched


def message_ingest(*, incoming: IncomingMessage, fetched: FetchedFiles | None = None) -> Message:
    """The ticket message `incoming` becomes: a reply on the sender's current ticket of the channel, or a new
    ticket. Ingesting the same external id again returns the message made the first time."""
    existing = _already(incoming)
    if existing is not None:
        return existing
    fetched = fetched if fetched is not None else files_fetch(incoming)
    with transaction.atomic():
        contact = contact_for_identity(
            kind=IdentityKind(incoming.channel),
            value=incoming.sender_id,
            name=incoming.name or incoming.username,
        )
        if incoming.phone:
            contact_phone_learn(contact=contact, phone=incoming.phone)
        attachments, left_out = _store(fetched)
        body = _body(incoming, left_out)
        ticket = ticket_to_continue(contact, incoming, clock.now())
        if ticket is not None:
            try:
                with transaction.atomic():
                    return ticket_reply(
                        ticket=ticket,
                        actor=Actor(contact=contact),
                        body=body,
                        channel=incoming.channel,
                        external_id=incoming.external_id,
                        attachments=attachments,
                    )
            except Conflict as error:  # closed meanwhile: a new ticket
                if error.code != "ticket_closed":
                    raise
        opened = ticket_open(
            actor=Actor(contact=contact),
            requester=contact,
            subject=subject_of(incoming),
            body=body,
            channel=incoming.channel,
            line=incoming.line,
            attachments=attachments,
            external_id=incoming.external_id,
        )
        assert opened.opening_message is not None
        return opened.opening_message


def ticket_to_continue(contact: Contact, incoming: IncomingMessage, now: dt.datetime) -> Ticket | None:
    """The ticket a message continues: the one it replies to, else the contact's latest ticket of the channel when
    it is open and moved within the thread window, or solved within the reopen window; never a closed one."""
    replied = _replied_ticket(incoming) if incoming.reply_to else None
    if replied is not None and replied.requester_id == contact.pk and replied.status.category != StatusCategory.CLOSED:
        return replied
    recent = (
        Ticket.objects.filter(requester=contact, channel=incoming.channel)
        .select_related("status")
        .order_by("-updated_at", "-number")[:RECENT_TICKETS]
    )
    thread_since = now - dt.timedelta(days=settings.OTVET_MESSENGER_THREAD_DAYS)
    reopen_since = now - dt.timedelta(days=settings.OTVET_MESSENGER_REOPEN_DAYS)
    for ticket in recent:
        category = ticket.status.category
        if ticket.is_open:
            moved = ticket.last_interaction_at or ticket.created_at
            return ticket if moved >= thread_since else None
        if category == StatusCategory.SOLVED and ticket.resolved_at and ticket.resolved_at >= reopen_since:
            return ticket
        if category in (StatusCategory.SOLVED, StatusCategory.CLOSED):
            return None  # the latest one is finished: the customer starts something new
    return None


def subject_of(incoming: IncomingMessage) -> str:
    """The first line of the text, shortened; a message without text is named by its sender."""
    first = next((line.strip() for line in incoming.text.splitlines() if line.strip()), "")
    if len(first) > SUBJECT_CHARS:
        first = first[: SUBJECT_CHARS - 1].rstrip() + "…"
    if first:
        return first
    who = incoming.name or incoming.username or incoming.sender_id
    return _("Message from %(name)s (%(channel)s)") % {"name": who, "channel": Channel(incoming.channel).label}


def _already(incoming: IncomingMessage) -> Message | None:
    return Message.objects.filter(channel=incoming.channel, external_id=incoming.external_id).first()


def _replied_ticket(incoming: IncomingMessage) -> Ticket | None:
    """The ticket of the message answered: one of the customer's, or one of our replies on the channel."""
    message = Message.objects.filter(channel=incoming.channel, external_id=incoming.reply_to).first()
    if message is not None:
        return Ticket.objects.select_related("status").get(pk=message.ticket_id)
    # Our deliveries keep the ids of the messages they sent, comma-separated (see messages.delivery_progress).
    ours = Delivery.objects.filter(
        channel=incoming.channel, external_id__regex=rf"(^|,){re.escape(incoming.reply_to)}(,|$)"
    )
    delivery = ours.only("ticket").first()
    if delivery is None:
        return None
    return Ticket.objects.select_related("status").get(pk=delivery.ticket_id)


def _store(fetched: FetchedFiles) -> tuple[list[Attachment], list[str]]:
    stored: list[Attachment] = []
    left_out = list(fetched.left_out)
    for name, content in fetched.files:
        try:
            stored.append(attachment_store(content=content, filename=name))
        except TooLarge:
            left_out.append(name)
    return stored, left_out


def _body(incoming: IncomingMessage, left_out: list[str]) -> str:
    body = incoming.text.strip() or _("(no text)")
    if incoming.edited:  # an edit is kept as a new message: what the agent read before stays on record
        body = _("(edited)") + "\n" + body
    if left_out:
        body += "\n\n" + _("Attachments left out (too large): %(names)s") % {"names": ", ".join(left_out)}
    return body
