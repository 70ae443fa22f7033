"""Reading Callback API events (plain JSON, as documented at dev.vk.com/ru/api/callback) into our dataclasses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from otvet.connectors.ingest import IncomingFile, IncomingMessage
from otvet.tickets.choices import Channel

CHAT_PEER_START = 2_000_000_000  # peer ids of group chats start here; a private dialogue's peer is the user


@dataclass(frozen=True)
class EventFacts:
    """What is indexed of every stored event, whatever it is."""

    event_key: str
    kind: str
    chat_id: str
    sender_id: str


def event_message(event: dict[str, Any]) -> dict[str, Any]:
    """The message an event carries: `object.message` for message_new, `object` itself for edits and echoes."""
    body = event.get("object")
    if not isinstance(body, dict):
        return {}
    inner = body.get("message")
    if isinstance(inner, dict):
        return inner
    return body if "peer_id" in body else {}


def event_facts(event: dict[str, Any]) -> EventFacts:
    """The event's id (event_id, else its type and message id), type, chat and sender, read defensively."""
    kind = str(event.get("type") or "")
    message = event_message(event)
    body = event.get("object") if isinstance(event.get("object"), dict) else {}
    key = str(event.get("event_id") or "")
    if not key and message.get("id"):
        key = f"{kind}:{message['id']}"
    sender = message.get("from_id") or (body or {}).get("user_id") or ""
    return EventFacts(event_key=key, kind=kind, chat_id=str(message.get("peer_id") or ""), sender_id=str(sender))


def parse_event(event: dict[str, Any], *, account: str, download: Callable[[str], bytes]) -> IncomingMessage | str:
    """A customer's message, or the reason the event is not one (a string)."""
    kind = str(event.get("type") or "")
    if kind != "message_new":
        return _("A «%(kind)s» event: not a customer's new message.") % {"kind": kind or "?"}
    message = event_message(event)
    sender, peer = message.get("from_id"), message.get("peer_id")
    if not isinstance(sender, int) or not isinstance(peer, int) or "id" not in message:
        return _("A message without a sender or a dialogue.")
    if peer >= CHAT_PEER_START or peer != sender:
        return _("A message in a group chat: only private dialogues with the community are requests.")
    if sender < 0:
        return _("A message from a community.")
    files, notes = _attachments(message, download)
    text = "\n".join(part for part in (str(message.get("text") or ""), *notes) if part)
    if not text.strip() and not files:
        return _("A message without text or files.")
    replied = message.get("reply_message") or {}
    return IncomingMessage(
        channel=Channel.VK,
        sender_id=str(sender),
        chat_id=str(peer),
        external_id=f"{account}:{peer}:{message['id']}",
        text=text,
        username=f"id{sender}",  # the profile is vk.com/id<sender>; the event carries no name
        attachments=files,
        reply_to=f"{account}:{peer}:{replied['id']}" if isinstance(replied, dict) and replied.get("id") else "",
    )


def _attachments(message: dict[str, Any], download: Callable[[str], bytes]) -> tuple[list[IncomingFile], list[str]]:
    """Photos (the largest size), documents and voice messages as files; other kinds as a line of text."""
    files: list[IncomingFile | None] = []
    notes: list[str] = []
    number = message.get("id", "")
    for index, item in enumerate(message.get("attachments") or [], start=1):
        kind = item.get("type") if isinstance(item, dict) else None
        body = item.get(kind) if kind else None
        if not isinstance(body, dict):
            continue
        if kind == "photo" and body.get("sizes"):
            largest = max(body["sizes"], key=lambda s: (s.get("width") or 0) * (s.get("height") or 0))
            files.append(_file(largest.get("url"), f"photo_{number}_{index}.jpg", "image/jpeg", None, download))
        elif kind == "doc":
            title, ext = str(body.get("title") or f"doc_{number}_{index}"), str(body.get("ext") or "")
            name = title if not ext or title.lower().endswith(f".{ext.lower()}") else f"{title}.{ext}"
            files.append(_file(body.get("url"), name, "", body.get("size"), download))
        elif kind == "audio_message" and body.get("link_ogg"):
            name = f"audio_message_{number}_{index}.ogg"
            files.append(_file(body["link_ogg"], name, "audio/ogg", None, download))
        elif kind == "link" and body.get("url"):
            notes.append(str(body["url"]))
        elif kind == "sticker":
            notes.append(_("(sticker)"))
        else:
            notes.append(_("(a «%(kind)s» attachment)") % {"kind": kind})
    return [file for file in files if file is not None], notes


def _file(url: Any, name: str, content_type: str, size: Any, download: Callable[[str], bytes]) -> IncomingFile | None:
    if not url:
        return None
    link = str(url)
    return IncomingFile(
        filename=name,
        content_type=content_type,
        fetch=lambda: download(link),
        size=size if isinstance(size, int) else None,
    )
