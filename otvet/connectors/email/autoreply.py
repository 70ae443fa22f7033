"""Mail that a machine sent: auto-replies, bulk and list mail, and bounces with what they say about the original."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser
from enum import StrEnum

from otvet.connectors.email.headers import RawHeaders, clean_email, header_message_ids, unfold
from otvet.connectors.email.parts import children, part_bytes


class Automatic(StrEnum):
    """Why a mail was sent by a machine; HUMAN ("") for a person's mail."""

    HUMAN = ""
    AUTO_REPLY = "auto_reply"
    BULK = "bulk"
    LIST = "list"
    BOUNCE = "bounce"


@dataclass(frozen=True)
class Bounce:
    """What a delivery failure (or delay) report says about a mail we sent."""

    original_message_id: str  # Message-ID of the mail that bounced, without <>, "" if unknown
    recipients: tuple[str, ...]
    status: str  # e.g. "5.1.1", "" if the report gives none
    diagnostic: str
    permanent: bool


AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*(?:автоматический ответ|автоответ|automatic reply|auto[- ]?reply|autoreply|auto[- ]?response"
    r"|abwesenheitsnotiz|réponse automatique|out of (?:the )?office)\b|\[out of (?:the )?office\]",
    re.IGNORECASE,
)
BOUNCE_SUBJECT = re.compile(
    r"undeliver|returned to sender|returned mail|delivery status notification|delivery (?:has )?failed"
    r"|mail delivery (?:failed|failure|subsystem|system)|failure notice|delivery failure|non[- ]?delivery"
    r"|delayed mail|delivery delayed|could not send message|не доставлено|недоставленное|не удалось доставить"
    r"|не может быть доставлено|ошибка доставки|доставка .{0,40}задерживается|возвращ[её]нное сообщение",
    re.IGNORECASE,
)
REPLY_PREFIX = re.compile(r"^\s*(?:re|fwd?|ответ|пересл|отв|aw|wg)\s*(?:\[\d+\])?\s*:", re.IGNORECASE)
BOUNCE_SENDERS = ("mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon")
NOREPLY_SENDER = re.compile(r"^(?:no-?reply|do-?not-?reply|donotreply|noreply[-.+]\S*|bounces?)$", re.IGNORECASE)
SUPPRESS_VALUES = ("all", "oof", "autoreply")
BULK_PRECEDENCE = ("bulk", "junk")

STATUS_CODE = re.compile(r"(?<![\d.])([245]\.\d{1,3}\.\d{1,3})(?![\d.])")
SMTP_CODE = re.compile(r"(?<!\d)([45]\d\d)[ -](?=\S)")
MESSAGE_ID_LINE = re.compile(r"^[ \t>]*Message-ID:[ \t]*\n?[ \t]*(<[^<>\n]+>|\S+@\S+)", re.IGNORECASE | re.MULTILINE)
COPY_MARKER = re.compile(
    r"^[ \t]*(?:-{3,}.*|=+.*)?(?:copy of the message|original message|below this line|message headers"
    r"|исходное сообщение|оригинальное сообщение|копия сообщения|заголовки сообщения)"
    r"|^(?:Return-Path|Received|Message-ID|DKIM-Signature):",
    re.IGNORECASE | re.MULTILINE,
)
EMAIL_IN_TEXT = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
DELAY_WORDS = re.compile(
    r"delay|will (?:be )?retr|still trying|temporar|задерж|отложен|повторн\w* попыт|временн", re.IGNORECASE
)


def _local_part(email: str) -> str:
    """The part of an address before "@", lower-cased."""
    return email.partition("@")[0].lower()


def _report_type(message: Message) -> str | None:
    """The report-type of a multipart/report ("" when it names none), None for any other mail."""
    if message.get_content_type() != "multipart/report":
        return None
    try:
        return str(message.get_param("report-type", "") or "").strip().lower()
    except Exception:  # unreadable parameters: a report of an unknown type
        return ""


def is_receipt(message: Message) -> bool:
    """A read or delivery receipt (RFC 8098 disposition notification)."""
    return _report_type(message) == "disposition-notification"


def classify(headers: RawHeaders, sender: str, subject: str, bounce: Bounce | None, receipt: bool) -> Automatic:
    """Why the mail is automatic; bounces first, then auto-replies (and receipts), list mail and bulk mail."""
    if bounce is not None:
        return Automatic.BOUNCE
    auto_submitted = headers.first("auto-submitted").strip().lower()
    suppress = headers.first("x-auto-response-suppress").lower()
    precedence = headers.first("precedence").strip().lower()
    if (
        receipt
        or (auto_submitted and not auto_submitted.startswith("no"))
        or headers.has("x-autoreply")
        or headers.has("x-autorespond")
        or any(value in suppress for value in SUPPRESS_VALUES)
        or precedence == "auto_reply"
        or AUTO_REPLY_SUBJECT.search(subject)
    ):
        return Automatic.AUTO_REPLY
    if precedence == "list" or headers.has("list-id") or headers.has("list-unsubscribe"):
        return Automatic.LIST
    if precedence in BULK_PRECEDENCE or NOREPLY_SENDER.match(_local_part(sender)):
        return Automatic.BULK
    return Automatic.HUMAN


def _parts(message: Message, limit: int = 200) -> list[Message]:
    """The message and its descendants in order, at most `limit` of them, not entering attached messages."""
    found: list[Message] = []
    stack = [message]
    while stack and len(found) < limit:
        part = stack.pop(0)
        found.append(part)
        if part.get_content_type() != "message/rfc822":
            stack[0:0] = children(part)
    return found


def _status_blocks(part: Message) -> list[Message]:
    """The header blocks of a message/delivery-status part, however it was parsed."""
    if part.is_multipart():
        return children(part)
    text = part_bytes(part).decode("utf-8", "replace")
    return [HeaderParser().parsestr(chunk.strip() + "\n") for chunk in re.split(r"\n\s*\n", text) if chunk.strip()]


def _raw(block: Message, name: str) -> str:
    """A header of a status block as plain text."""
    for key, value in block.raw_items():
        if key.lower() == name:
            return " ".join(unfold(str(value)).split())
    return ""


def _original_id(parts: list[Message], text: str, headers: RawHeaders) -> str:
    """The Message-ID of the mail that bounced: from the returned copy, its headers, the text, or In-Reply-To."""
    for part in parts:
        content_type = part.get_content_type()
        if content_type in ("message/rfc822", "message/global"):
            inner = next(iter(children(part)), None)
            ids = header_message_ids(_raw(inner, "message-id")) if inner is not None else ()
            if ids:
                return ids[0]
        elif content_type in ("text/rfc822-headers", "message/rfc822-headers", "text/plain"):
            found = MESSAGE_ID_LINE.search(part_bytes(part).decode("utf-8", "replace"))
            ids = header_message_ids(found.group(1)) if found else ()
            if ids:
                return ids[0]
    found = MESSAGE_ID_LINE.search(text)
    ids = header_message_ids(found.group(1)) if found else ()
    if ids:
        return ids[0]
    replied = headers.ids("in-reply-to")
    return replied[0] if replied else ""


def _human_part(text: str) -> str:
    """The explanation at the top of a bounce, without the returned copy of the original."""
    marker = COPY_MARKER.search(text)
    return text[: marker.start()] if marker else text


def _from_text(text: str, sender: str) -> tuple[list[str], str, str]:
    """(recipients, status, diagnostic) read from a bounce's human-readable text."""
    human = _human_part(text)
    recipients = [
        email
        for email in dict.fromkeys(clean_email(found) for found in EMAIL_IN_TEXT.findall(human))
        if email and email != sender and _local_part(email) not in BOUNCE_SENDERS
    ]
    status, diagnostic = "", ""
    code = STATUS_CODE.search(human)
    if code:
        status = code.group(1)
    else:
        smtp = SMTP_CODE.search(human)
        status = f"{smtp.group(1)[0]}.0.0" if smtp else ""
    for line in human.splitlines():
        if status and (status in line or SMTP_CODE.search(line)):
            diagnostic = line.strip()
            break
    return recipients, status, diagnostic


def looks_like_bounce(message: Message, headers: RawHeaders, sender: str, subject: str) -> bool:
    """A delivery report (RFC 3464), or a mail from a mail system whose subject says delivery failed."""
    if _report_type(message) in ("delivery-status", "global-delivery-status", ""):
        return True
    if _local_part(sender) in BOUNCE_SENDERS:
        return True
    if headers.has("x-failed-recipients"):  # Exim's own bounces
        return True
    auto_submitted = headers.first("auto-submitted").strip().lower()
    automatic = (auto_submitted and not auto_submitted.startswith("no")) or not sender
    return bool(BOUNCE_SUBJECT.search(subject)) and not REPLY_PREFIX.match(subject) and bool(automatic)


def find_bounce(message: Message, headers: RawHeaders, sender: str, subject: str, text: str) -> Bounce | None:
    """The bounce a mail reports, or None when it is not a delivery failure or delay report."""
    if not looks_like_bounce(message, headers, sender, subject):
        return None
    parts = _parts(message)
    recipients: list[str] = []
    status = diagnostic = action = ""
    for part in parts:
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in _status_blocks(part):
            recipient = _raw(block, "final-recipient") or _raw(block, "original-recipient")
            if not recipient:
                continue
            email = clean_email(recipient.rpartition(";")[2])
            if email and email not in recipients:
                recipients.append(email)
            action = action or _raw(block, "action").lower()
            status = status or _raw(block, "status").split(" ")[0]
            diagnostic = diagnostic or _raw(block, "diagnostic-code").partition(";")[2].strip()
    text_recipients, text_status, text_diagnostic = _from_text(text, sender)
    recipients = recipients or text_recipients
    status = status or text_status
    diagnostic = diagnostic or text_diagnostic
    if action in ("failed", "delayed"):
        permanent = action == "failed"
    elif status[:1] in ("4", "5"):
        permanent = status.startswith("5")
    else:
        permanent = not DELAY_WORDS.search(_human_part(text) + " " + subject)
    return Bounce(
        original_message_id=_original_id(parts, text, headers),
        recipients=tuple(recipients),
        status=status,
        diagnostic=diagnostic[:1000],
        permanent=permanent,
    )
