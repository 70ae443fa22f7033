"""Visitors' messages in (stored raw, then ingested like any channel) and agents' replies out (pushed to sockets)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from otvet.connectors.choices import DeliveryState
from otvet.connectors.ingest import IncomingFile, IncomingMessage
from otvet.connectors.messages import Route, inbound_message_store
from otvet.connectors.models import ChatVisitor, ChatWidget, Delivery, InboundMessage
from otvet.connectors.webchat.visitors import message_json, visitor_contact, visitor_group, visitor_online
from otvet.core import clock
from otvet.core.errors import InvalidInput
from otvet.customers.services import support_note_add
from otvet.live.publish import publish
from otvet.tickets.access import Actor
from otvet.tickets.choices import Channel
from otvet.tickets.models import Message
from otvet.tickets.services.attachments import attachment_build

logger = logging.getLogger(__name__)
UPLOAD_SALT = "otvet.webchat.upload"
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_FILES = 10


def upload_stage(*, visitor: ChatVisitor, content: bytes, filename: str) -> dict[str, Any]:
    """Put an uploaded file in storage (under its digest, limits and sniffing as for every upload); a reference
    signed for this visitor, which their next message carries. No row exists until a message links the file."""
    if not content:
        raise InvalidInput.field("file", _("The file is empty."))
    staged = attachment_build(content=content, filename=filename)  # raises TooLarge over the limit
    ref = {"v": visitor.pk, "p": staged.file.name, "n": staged.filename, "t": staged.content_type, "s": staged.size}
    return {"ref": signing.dumps(ref, salt=UPLOAD_SALT), "name": staged.filename, "size": staged.size}


def _upload_check(ref: str, visitor: ChatVisitor) -> dict[str, Any]:
    try:
        data = signing.loads(ref, salt=UPLOAD_SALT, max_age=settings.WEBCHAT_UPLOAD_MAX_AGE)
    except signing.BadSignature:
        raise InvalidInput.field("files", _("A file is unknown or expired; attach it again.")) from None
    if not isinstance(data, dict) or data.get("v") != visitor.pk:
        raise InvalidInput.field("files", _("A file is unknown or expired; attach it again."))
    return data


def visitor_message_store(
    *, visitor: ChatVisitor, client_id: str, text: str, files: list[str] | None = None, kind: str = "message"
) -> tuple[InboundMessage, bool]:
    """Store what the visitor sent, once per client message id; it becomes a ticket message after commit."""
    if not CLIENT_ID.match(client_id or ""):
        raise InvalidInput.field("id", _("The message has no valid id."))
    text = (text or "").strip()
    files = list(files or [])[:MAX_FILES]
    if len(text) > settings.WEBCHAT_MAX_CHARS:
        raise InvalidInput.field("text", _("The message is too long."))
    refs = [_upload_check(ref, visitor) for ref in files]
    if not text and not refs:
        raise InvalidInput.field("text", _("The message is empty."))
    raw = json.dumps({"visitor": visitor.pk, "id": client_id, "text": text, "files": refs}, ensure_ascii=False)
    return inbound_message_store(
        channel=Channel.WEBCHAT,
        account=str(visitor.widget_id),
        update_key=f"{visitor.pk}:{client_id}",
        raw=raw,
        kind=kind,
        chat_id=str(visitor.pk),
        sender_id=visitor.identity,
    )


def webchat_update_route(row: InboundMessage) -> Route:
    """A stored visitor message into the ticket message it becomes (files are read from storage by the ingest)."""
    data = json.loads(row.raw)
    visitor = ChatVisitor.objects.select_related("widget__line").filter(pk=data.get("visitor")).first()
    if visitor is None:
        return Route(ignore=_("The chat visitor no longer exists."))
    files = [
        IncomingFile(filename=ref["n"], content_type=ref["t"], size=ref["s"], fetch=_reader(ref["p"]))
        for ref in data.get("files", [])
    ]
    incoming = IncomingMessage(
        channel=Channel.WEBCHAT,
        sender_id=visitor.identity,
        chat_id=str(visitor.pk),
        external_id=f"{visitor.pk}:{data['id']}",
        text=data.get("text", ""),
        name=visitor.name or _("Web chat visitor %(id)s") % {"id": visitor.public_id[:6]},
        attachments=files,
        line=visitor.widget.line,
    )
    return Route(incoming=incoming, after=lambda: _after_ingest(visitor.pk, incoming.external_id))


def _reader(path: str) -> Any:
    def read() -> bytes:
        with default_storage.open(path, "rb") as handle:
            return bytes(handle.read())

    return read


def _after_ingest(visitor_id: int, external_id: str) -> None:
    """Echo the stored message to the visitor's sockets (other tabs; the socket learns its ticket), and put an
    email the visitor typed on record for agents, once, as a support note: it is unverified, so it links nothing."""
    visitor = ChatVisitor.objects.select_related("widget").get(pk=visitor_id)
    message = Message.objects.filter(channel=Channel.WEBCHAT, external_id=external_id).first()
    if message is None:
        return
    publish(visitor_group(visitor.pk), {"type": "chat.message", "message": message_json(message, visitor)})
    contact = visitor_contact(visitor)
    if visitor.email and not visitor.email_noted and contact is not None:
        with transaction.atomic():
            if ChatVisitor.objects.filter(pk=visitor.pk, email_noted=False).update(email_noted=True):
                note = _(
                    "The web chat visitor gave the email %(email)s (not verified). "
                    "If it is a known customer, merge the contacts."
                )
                support_note_add(actor=Actor.system("webchat"), contact=contact, body=note % {"email": visitor.email})


def webchat_delivery_send(delivery_id: int) -> str:
    """Push a reply to the visitor's open sockets: sent when one is open, else queued until they return (they see
    it in their history then, and visitors.visitor_seen marks it sent)."""
    delivery = Delivery.objects.select_related("message").filter(pk=delivery_id).first()
    if delivery is None or delivery.state != DeliveryState.QUEUED or delivery.message is None:
        return delivery.state if delivery is not None else ""
    chat = delivery.recipients[0] if delivery.recipients else ""
    visitor = ChatVisitor.objects.select_related("widget").filter(pk=int(chat) if chat.isdigit() else 0).first()
    now = clock.now()
    if visitor is None:
        Delivery.objects.filter(pk=delivery.pk).update(
            state=DeliveryState.FAILED, last_error=_("The chat visitor no longer exists."), next_attempt_at=None
        )
        return DeliveryState.FAILED
    if not visitor_online(visitor.pk):
        Delivery.objects.filter(pk=delivery.pk).update(
            last_error=_("The visitor is offline: they will see the reply when they return."),
            next_attempt_at=now + dt.timedelta(seconds=settings.WEBCHAT_OFFLINE_RECHECK_SECONDS),
        )
        return DeliveryState.QUEUED
    message = Message.objects.select_related("author_user").get(pk=delivery.message.pk)
    publish(visitor_group(visitor.pk), {"type": "chat.message", "message": message_json(message, visitor)})
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.SENT, sent_at=now, attempts=delivery.attempts + 1, last_error="", next_attempt_at=None
    )
    return DeliveryState.SENT


def widget_for_key(key: str) -> ChatWidget | None:
    """An active widget by its public key."""
    return ChatWidget.objects.select_related("line").filter(key=key, is_active=True).first()
