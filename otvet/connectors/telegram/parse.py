"""Reading Bot API updates (plain JSON, as documented at core.telegram.org/bots/api#update) into our dataclasses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from otvet.connectors.ingest import IncomingFile, IncomingMessage
from otvet.tickets.choices import Channel

# The update fields that carry a message from a person; everything else is stored and ignored.
MESSAGE_KINDS = ("message", "edited_message")
# Files other than photos, each with the name it gets when Telegram gives none.
FILE_KINDS: dict[str, tuple[str, str]] = {
    "document": ("document", "application/octet-stream"),
    "voice": ("voice.ogg", "audio/ogg"),
    "audio": ("audio.mp3", "audio/mpeg"),
    "video": ("video.mp4", "video/mp4"),
    "video_note": ("video_note.mp4", "video/mp4"),
    "animation": ("animation.mp4", "video/mp4"),
}


@dataclass(frozen=True)
class UpdateFacts:
    """What is indexed of every stored update, whatever it is."""

    update_id: str
    kind: str
    chat_id: str
    sender_id: str


@dataclass(frozen=True)
class StartCommand:
    """`/start <payload>`: a deep link from the portal (payload: a signed link token) or a first greeting."""

    payload: str
    sender_id: str
    chat_id: str
    name: str


def update_facts(update: dict[str, Any]) -> UpdateFacts:
    """The update's id, type, chat and sender, read defensively: an odd update is still stored."""
    kind = next((key for key in update if key != "update_id"), "")
    value = update.get(kind)
    body: dict[str, Any] = value if isinstance(value, dict) else {}
    inner = body.get("message")  # a callback query's message
    chat = body.get("chat") or (inner.get("chat") if isinstance(inner, dict) else None) or {}
    sender = body.get("from") or {}
    return UpdateFacts(
        update_id=str(update.get("update_id", "")),
        kind=kind,
        chat_id=str(chat.get("id", "")) if isinstance(chat, dict) else "",
        sender_id=str(sender.get("id", "")) if isinstance(sender, dict) else "",
    )


def parse_update(
    update: dict[str, Any], *, account: str, download: Callable[[str], bytes]
) -> IncomingMessage | StartCommand | str:
    """A customer's message, a /start command, or the reason the update is not one (a string)."""
    kind = update_facts(update).kind
    if kind not in MESSAGE_KINDS:
        return _("A «%(kind)s» update: not a customer's message.") % {"kind": kind or "?"}
    message = update[kind]
    chat, sender = message.get("chat") or {}, message.get("from") or {}
    if chat.get("type") != "private":
        return _("A message in a %(type)s chat: only private chats with the bot are requests.") % {
            "type": chat.get("type") or "?"
        }
    if not sender or sender.get("is_bot"):
        return _("A message from a bot.")
    name = " ".join(part for part in (sender.get("first_name"), sender.get("last_name")) if part)
    text = str(message.get("text") or message.get("caption") or "")
    if kind == "message" and (text == "/start" or text.startswith("/start ")):
        return StartCommand(
            payload=text.removeprefix("/start").strip(), sender_id=str(sender["id"]), chat_id=str(chat["id"]), name=name
        )
    files = _files(message, download)
    text = _extras(message, text)
    if not text.strip() and not files:
        return _("A message without text or files (a service message).")
    edited = kind == "edited_message"
    external_id = f"{account}:{chat['id']}:{message['message_id']}"
    if edited:
        external_id += f":e{message.get('edit_date', '')}"
    replied = message.get("reply_to_message") or {}
    return IncomingMessage(
        channel=Channel.TELEGRAM,
        sender_id=str(sender["id"]),
        chat_id=str(chat["id"]),
        external_id=external_id,
        text=text,
        name=name,
        username=str(sender.get("username") or ""),
        phone=_own_number(message, sender),
        attachments=files,
        edited=edited,
        reply_to=f"{account}:{chat['id']}:{replied['message_id']}" if replied.get("message_id") else "",
    )


def _own_number(message: dict[str, Any], sender: dict[str, Any]) -> str:
    """The number of a contact card the sender shared of themselves (Telegram's «share my phone number»)."""
    contact = message.get("contact")
    if not isinstance(contact, dict) or contact.get("user_id") != sender.get("id"):
        return ""
    return str(contact.get("phone_number") or "")


def _files(message: dict[str, Any], download: Callable[[str], bytes]) -> list[IncomingFile]:
    """The message's photo (its largest size) and other files, to be fetched by getFile when processed."""
    files: list[IncomingFile] = []
    number = message.get("message_id", "")
    photos = message.get("photo") or []
    if photos:
        largest = max(photos, key=lambda p: (p.get("file_size") or 0, (p.get("width") or 0) * (p.get("height") or 0)))
        files.append(_file(largest, f"photo_{number}.jpg", "image/jpeg", download))
    for key, (default_name, default_type) in FILE_KINDS.items():
        item = message.get(key)
        if isinstance(item, dict) and item.get("file_id"):
            name = item.get("file_name") or f"{number}_{default_name}"
            files.append(_file(item, name, item.get("mime_type") or default_type, download))
    return files


def _file(item: dict[str, Any], name: str, content_type: str, download: Callable[[str], bytes]) -> IncomingFile:
    file_id = str(item["file_id"])
    size = item.get("file_size")
    return IncomingFile(
        filename=str(name),
        content_type=str(content_type),
        fetch=lambda: download(file_id),
        size=int(size) if isinstance(size, int) else None,
    )


def _extras(message: dict[str, Any], text: str) -> str:
    """Things without text that are still worth keeping: a shared contact, a location, a sticker."""
    contact, location, sticker = message.get("contact"), message.get("location"), message.get("sticker")
    lines = [text] if text else []
    if isinstance(contact, dict):
        who = " ".join(p for p in (contact.get("first_name"), contact.get("last_name")) if p)
        lines.append(_("Shared a contact: %(who)s %(phone)s") % {"who": who, "phone": contact.get("phone_number", "")})
    if isinstance(location, dict):
        lines.append(
            _("Shared a location: %(lat)s, %(lon)s")
            % {"lat": location.get("latitude"), "lon": location.get("longitude")}
        )
    if isinstance(sticker, dict):
        lines.append(_("(sticker %(emoji)s)") % {"emoji": sticker.get("emoji", "")})
    return "\n".join(lines)
