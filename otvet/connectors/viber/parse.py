"""Reading Viber callbacks (plain JSON, as documented at developers.viber.com/docs/api/rest-bot-api) into our
dataclasses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from otvet.connectors.ingest import IncomingFile, IncomingMessage
from otvet.tickets.choices import Channel

REPORTS = ("delivered", "seen", "failed")  # what happened to a message we sent
FILE_TYPES: dict[str, tuple[str, str]] = {  # message type -> (default file name, content type)
    "picture": ("picture.jpg", "image/jpeg"),
    "video": ("video.mp4", "video/mp4"),
    "file": ("file", ""),
}


@dataclass(frozen=True)
class CallbackFacts:
    """What is indexed of every stored callback, whatever it is."""

    callback_key: str
    kind: str
    chat_id: str
    sender_id: str


@dataclass(frozen=True)
class DeliveryReport:
    """A delivered, seen or failed callback about one of our messages, named by its message_token."""

    event: str
    message_token: str
    user_id: str
    description: str = ""


def _user(callback: dict[str, Any]) -> str:
    person = callback.get("sender") or callback.get("user") or {}
    return str(person.get("id") or "") if isinstance(person, dict) else ""


def callback_facts(callback: dict[str, Any]) -> CallbackFacts:
    """The callback's key (event and message_token: a delivery report shares the token of its message), type,
    chat and sender, read defensively."""
    kind = str(callback.get("event") or "")
    token = callback.get("message_token")
    user = _user(callback)
    chat = user if kind in ("message", "conversation_started", "subscribed") else ""
    return CallbackFacts(
        callback_key=f"{kind}:{token}" if token not in (None, "") else "",
        kind=kind,
        chat_id=chat,
        sender_id=user or str(callback.get("user_id") or ""),
    )


def parse_callback(
    callback: dict[str, Any], *, account: str, download: Callable[[str], bytes]
) -> IncomingMessage | DeliveryReport | str:
    """A customer's message, a report on one of ours, or the reason the callback is neither (a string)."""
    kind = str(callback.get("event") or "")
    if kind in REPORTS:
        return DeliveryReport(
            event=kind,
            message_token=str(callback.get("message_token") or ""),
            user_id=str(callback.get("user_id") or ""),
            description=str(callback.get("desc") or ""),
        )
    if kind != "message":
        return _("A «%(kind)s» callback: not a customer's message.") % {"kind": kind or "?"}
    sender, message = callback.get("sender") or {}, callback.get("message") or {}
    if not isinstance(sender, dict) or not sender.get("id") or not isinstance(message, dict):
        return _("A message without a sender.")
    mtype = str(message.get("type") or "")
    if mtype == "sticker":
        return _("A sticker: nothing to answer.")
    text = str(message.get("text") or "")
    files: list[IncomingFile] = []
    if mtype in FILE_TYPES and message.get("media"):
        default_name, content_type = FILE_TYPES[mtype]
        media, size = str(message["media"]), message.get("size")
        files.append(
            IncomingFile(
                filename=str(message.get("file_name") or f"{callback.get('message_token', '')}_{default_name}"),
                content_type=content_type,
                fetch=lambda: download(media),
                size=size if isinstance(size, int) else None,
            )
        )
    text = "\n".join(part for part in (text, *_extras(mtype, message)) if part)
    if not text.strip() and not files:
        return _("A «%(type)s» message without text or files.") % {"type": mtype or "?"}
    return IncomingMessage(
        channel=Channel.VIBER,
        sender_id=str(sender["id"]),
        chat_id=str(sender["id"]),
        external_id=f"{account}:{callback.get('message_token', '')}",
        text=text,
        name=str(sender.get("name") or ""),
        attachments=files,
    )


def _extras(mtype: str, message: dict[str, Any]) -> list[str]:
    """Shared contacts, locations and links, as lines of text."""
    contact, location = message.get("contact") or {}, message.get("location") or {}
    if mtype == "contact" and isinstance(contact, dict):
        return [
            _("Shared a contact: %(who)s %(phone)s")
            % {"who": contact.get("name", ""), "phone": contact.get("phone_number", "")}
        ]
    if mtype == "location" and isinstance(location, dict):
        return [_("Shared a location: %(lat)s, %(lon)s") % {"lat": location.get("lat"), "lon": location.get("lon")}]
    if mtype == "url" and message.get("media"):
        return [str(message["media"])]
    return []
