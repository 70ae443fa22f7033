"""Who is chatting: widgets' origins and hours, visitor tokens, and what a returning visitor sees again."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from otvet.connectors.choices import DeliveryState
from otvet.connectors.models import ChatVisitor, ChatWidget, Delivery
from otvet.connectors.models.webchat import origin_normalize
from otvet.core import clock
from otvet.core.errors import InvalidInput
from otvet.customers.choices import IdentityKind
from otvet.customers.models import Contact
from otvet.customers.services import contact_by_identity
from otvet.lib.business_time import ALWAYS, WorkingCalendar, is_working_time
from otvet.sla.calendars import calendar_by_id, default_calendar, hours_text
from otvet.tickets.choices import AuthorKind, Channel, MessageKind
from otvet.tickets.models import Message

FILE_SALT = "otvet.webchat.file"
_ONLINE_KEY = "otvet:webchat:online:{}"


def visitor_group(visitor_id: int) -> str:
    """The channel-layer group of a visitor's open sockets (every tab)."""
    return f"otvet.webchat.visitor.{visitor_id}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def origin_allowed(widget: ChatWidget, origin: str, host: str) -> bool:
    """Our own pages (the chat frame: same host) and the widget's allowed origins; nothing else."""
    normalized = origin_normalize(origin)
    if not normalized:
        return False
    if host and urlsplit(normalized).netloc == host.lower():
        return True
    return normalized in widget.allowed_origins


def visitor_start(
    *, widget: ChatWidget, name: str = "", email: str = "", language: str = ""
) -> tuple[ChatVisitor, str]:
    """A new visitor and their secret token (returned once, kept by the browser; only its hash is stored)."""
    name, email = (name or "").strip()[:200], (email or "").strip().lower()[:254]
    if widget.prechat_form and widget.require_name and not name:
        raise InvalidInput.field("name", _("Please tell us your name."))
    if widget.prechat_form and widget.require_email and not email:
        raise InvalidInput.field("email", _("Please tell us your email."))
    if email and ("@" not in email or email.startswith("@") or email.endswith("@")):
        raise InvalidInput.field("email", _("Enter a valid email address."))
    token = secrets.token_urlsafe(32)
    visitor = ChatVisitor.objects.create(
        widget=widget, token_hash=token_hash(token), name=name, email=email, language=language[:8]
    )
    return visitor, token


def visitor_for_token(widget: ChatWidget, token: str) -> ChatVisitor | None:
    """The widget's visitor holding `token`; a token of another widget, or an unknown one, is nobody."""
    if not token or len(token) > 200:
        return None
    return ChatVisitor.objects.filter(widget=widget, token_hash=token_hash(token)).first()


def visitor_contact(visitor: ChatVisitor) -> Contact | None:
    """The contact the visitor became with their first message (None before it)."""
    return contact_by_identity(kind=IdentityKind.WEBCHAT, value=visitor.identity)


def visitor_seen(visitor: ChatVisitor) -> int:
    """A socket of the visitor is open (renewed by its heartbeats); their queued replies count as delivered now."""
    cache.set(_ONLINE_KEY.format(visitor.pk), True, settings.WEBCHAT_ONLINE_SECONDS)
    now = clock.now()
    ChatVisitor.objects.filter(pk=visitor.pk).update(last_seen_at=now)
    with transaction.atomic():
        return Delivery.objects.filter(
            channel=Channel.WEBCHAT, state=DeliveryState.QUEUED, recipients=[str(visitor.pk)]
        ).update(state=DeliveryState.SENT, sent_at=now, last_error="", next_attempt_at=None)


def visitor_online(visitor_id: int) -> bool:
    return bool(cache.get(_ONLINE_KEY.format(visitor_id)))


def widget_calendar(widget: ChatWidget) -> WorkingCalendar:
    """The line's calendar, else the default one, else round the clock."""
    line_calendar = widget.line.calendar_id if widget.line_id is not None and widget.line else None
    default = default_calendar()
    for calendar_id in (line_calendar, default.pk if default else None):
        if calendar_id is not None:
            built = calendar_by_id(calendar_id)
            if built is not None:
                return built
    return ALWAYS


def widget_hours(widget: ChatWidget, language: str, now: dt.datetime | None = None) -> tuple[bool, str]:
    """Whether live chat is open now, and the usual hours in words for the "leave a message" form."""
    cal = widget_calendar(widget)
    return is_working_time(cal, now or clock.now()), hours_text(cal, language)


def chat_history(visitor: ChatVisitor, limit: int | None = None) -> list[dict[str, Any]]:
    """The public messages of the visitor's web-chat tickets, oldest first (never notes or system messages)."""
    contact = visitor_contact(visitor)
    if contact is None:
        return []
    messages = (
        Message.objects.filter(ticket__requester=contact, ticket__channel=Channel.WEBCHAT, kind=MessageKind.REPLY)
        .select_related("author_user")
        .prefetch_related("attachments")
        .order_by("-created_at", "-id")[: limit or settings.WEBCHAT_HISTORY_MESSAGES]
    )
    return [message_json(message, visitor) for message in reversed(list(messages))]


def message_json(message: Message, visitor: ChatVisitor) -> dict[str, Any]:
    """A message as the widget shows it: who (the agent by first name), text, files as signed links."""
    mine = message.author_kind == AuthorKind.CUSTOMER
    author = getattr(message, "author_user", None)
    name = "" if mine or author is None else (author.name or "").split(" ")[0]
    signer = signing.TimestampSigner(salt=FILE_SALT)
    files = [
        {
            "name": attachment.filename,
            "size": attachment.size,
            "url": reverse("webchat-file", args=[visitor.widget.key, signer.sign(f"{visitor.pk}:{attachment.pk}")]),
        }
        for attachment in message.attachments.all()
    ]
    return {
        "id": message.pk,
        "client_id": message.external_id.rsplit(":", 1)[-1] if mine else "",
        "ticket": message.ticket_id,
        "from": "visitor" if mine else "agent",
        "name": name,
        "text": message.body_text,
        "at": message.created_at.isoformat(),
        "files": files,
    }


def file_token_check(token: str, visitor_pk: int | None = None) -> int | None:
    """The attachment a history link names (valid for WEBCHAT_FILE_LINK_SECONDS), or None."""
    try:
        value = signing.TimestampSigner(salt=FILE_SALT).unsign(token, max_age=settings.WEBCHAT_FILE_LINK_SECONDS)
    except signing.BadSignature:
        return None
    owner, _sep, attachment = value.partition(":")
    if visitor_pk is not None and owner != str(visitor_pk):
        return None
    return int(attachment) if attachment.isdigit() else None


def webchat_demo_widget() -> ChatWidget:
    """`otvet demo`'s chat widget: allowed on the demo's own address, so its preview page works at once."""
    origins = sorted({settings.SITE_URL.rstrip("/"), "http://127.0.0.1:8000", "http://localhost:8000"})
    widget, _created = ChatWidget.objects.get_or_create(
        name="Демо-сайт",
        defaults={
            "allowed_origins": origins,
            "greeting_ru": "Здравствуйте! Чем можем помочь?",
            "greeting_en": "Hello! How can we help?",
        },
    )
    return widget
