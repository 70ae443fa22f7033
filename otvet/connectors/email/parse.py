"""A raw inbound mail as plain dataclasses: pure Python (stdlib `email`), no Django.

The MIME tree is parsed with the compat32 policy: policy.default parses a structured header again on every access
(a part's Content-Type alone some fifteen times per mail), which made parsing five times slower for the same
result; decoding is ours anyway (see below).

`parse_email` never raises: what it had to tolerate is named in `ParsedEmail.defects`. Headers are read from their
raw source (`RawHeaders`), not through the policy's header objects, so that a broken header costs one field, not
the mail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import Message
from email.parser import BytesParser

from otvet.connectors.email.autoreply import Automatic, Bounce, classify, find_bounce, is_receipt
from otvet.connectors.email.headers import (
    Address,
    RawHeaders,
    decode_bytes,
    decode_raw,
    header_message_ids,
    parse_addresses,
    parse_date,
    unfold,
)
from otvet.connectors.email.html_text import html_to_text
from otvet.connectors.email.parts import (
    body_text,
    children,
    message_bytes,
    part_bytes,
    part_content_id,
    part_disposition,
    part_filename,
    safe_filename,
)
from otvet.connectors.email.quotes import reply_text as strip_quotes

__all__ = ["Address", "Automatic", "Bounce", "ParsedAttachment", "ParsedEmail", "header_message_ids", "parse_email"]

MAX_FORWARD_DEPTH = 3  # attached mails inside attached mails are parsed this deep, then kept only as files
MAX_PARTS = 500
MAX_MIME_DEPTH = 40
BODY_TYPES = ("text/plain", "text/html")
MESSAGE_TYPES = ("message/rfc822", "message/global")
# The machine-readable parts of reports: read by autoreply.find_bounce, not kept as files.
REPORT_PARTS = (
    "message/delivery-status",
    "message/global-delivery-status",
    "message/disposition-notification",
    "text/rfc822-headers",
    "message/rfc822-headers",
)
CAMEL_CASE = re.compile(r"(?<!^)(?=[A-Z])")
AUTH_RESULT = re.compile(r"(?<![\w.-])(spf|dkim|dmarc|arc)\s*=\s*([a-z]+)", re.IGNORECASE)
ADDRESS_TRACE = ("delivered-to", "x-original-to", "envelope-to")
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
LATIN = re.compile(r"[a-z]", re.IGNORECASE)
LANGUAGE_SAMPLE = 2000


@dataclass(frozen=True)
class ParsedAttachment:
    """A file of a mail: attachments, inline images and attached mails (as .eml)."""

    filename: str  # decoded, a safe basename, never empty
    content_type: str
    content: bytes
    content_id: str  # without <>, "" if none
    inline: bool  # an image the HTML shows through cid:


@dataclass(frozen=True)
class ParsedEmail:
    """Everything the help desk reads from one mail."""

    message_id: str  # without <>, "" if missing
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    sender: Address  # From, else Sender or Return-Path when From is missing or broken
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    reply_to: tuple[Address, ...]
    delivered_to: tuple[str, ...]  # Delivered-To, X-Original-To, Envelope-To
    subject: str
    date: datetime | None  # aware UTC; the first Received time when Date is missing or unreadable
    text: str  # the text/plain body, or the HTML rendered as text when the mail has no text part
    html: str  # the HTML body as sent (the caller sanitizes), "" if none
    reply_text: str  # text without quoted history and signature; the text itself when nothing else is left
    attachments: tuple[ParsedAttachment, ...]
    forwarded: tuple[ParsedEmail, ...]  # attached mails, parsed (they are also in `attachments` as .eml)
    automatic: Automatic  # HUMAN ("") for a person's mail; `bounce` is set exactly when it is BOUNCE
    bounce: Bounce | None
    auth_results: dict[str, str]  # {"spf": "pass", "dkim": "fail", "dmarc": "pass"}, only keys present
    defects: tuple[str, ...]  # what had to be tolerated, snake_case
    language_hint: str = ""  # "ru" or "en" when the reply's letters say so clearly
    spam_flag: bool = False  # a filter on the way (X-Spam-Flag / X-Spam-Status) called it spam


@dataclass
class _Found:
    """What walking a MIME tree collected."""

    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    files: list[tuple[Message, str, bool]] = field(default_factory=list)  # (part, filename, inside related)
    defects: list[str] = field(default_factory=list)
    count: int = 0


def parse_email(raw: bytes) -> ParsedEmail:
    """Parse a mail exactly as received; never raises, broken input yields a ParsedEmail with `defects`."""
    return _parse(raw, depth=0)


def _parse(raw: bytes, depth: int) -> ParsedEmail:
    """`parse_email` for a mail found `depth` attachments deep."""
    data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else raw
    if not isinstance(data, bytes | bytearray | memoryview):
        data = b""
    try:
        return _build(bytes(data), depth)
    except Exception as error:  # the promise is a result for any input; the reason is kept
        return _unparsable(bytes(data), error)


def _build(raw: bytes, depth: int) -> ParsedEmail:
    """The parse itself; `_parse` turns anything it raises into a defect."""
    message = BytesParser(policy=policy.compat32).parsebytes(raw)
    headers = RawHeaders([(str(name), str(value)) for name, value in message.raw_items()])
    found = _Found()
    _walk(message, found, level=0, related=False)
    html = "\n".join(found.html)
    plain = "\n".join(found.plain)
    text = plain.strip("\n") if plain.strip() else html_to_text(html)
    quoted_source = text if plain.strip() else html_to_text(html, drop_quotes=True)
    reply = strip_quotes(quoted_source) if quoted_source.strip() else strip_quotes(text)
    attachments, forwarded = _files(found.files, html, depth)
    sender = _sender(headers)
    subject = headers.text("subject")
    bounce = find_bounce(message, headers, sender.email, subject, text)
    automatic = classify(headers, sender.email, subject, bounce, is_receipt(message))
    message_id, date = _message_id(headers), _date(headers)
    to, cc, reply_to = _mailboxes(headers, "to"), _mailboxes(headers, "cc"), _mailboxes(headers, "reply-to")
    delivered_to = tuple(dict.fromkeys(a.email for a in headers.addresses(*ADDRESS_TRACE) if a.email))
    auth_results, spam_flag = _auth_results(headers), _spam_flag(headers)
    defects = [*found.defects, *headers.defects, *_header_defects(headers)]  # last: reading headers adds some
    return ParsedEmail(
        message_id=message_id,
        in_reply_to=headers.ids("in-reply-to"),
        references=headers.ids("references"),
        sender=sender,
        to=to,
        cc=cc,
        reply_to=reply_to,
        delivered_to=delivered_to,
        subject=subject,
        date=date,
        text=text,
        html=html,
        reply_text=reply or text.strip(),
        attachments=attachments,
        forwarded=forwarded,
        automatic=automatic,
        bounce=bounce,
        auth_results=auth_results,
        defects=tuple(dict.fromkeys(defects)),
        language_hint=_language(reply),
        spam_flag=spam_flag,
    )


def _unparsable(raw: bytes, error: BaseException) -> ParsedEmail:
    """The last resort: the raw bytes as text, and the reason."""
    text = decode_bytes(raw)[0].replace("\r\n", "\n")
    return ParsedEmail(
        message_id="", in_reply_to=(), references=(), sender=Address(email="", name=""), to=(), cc=(), reply_to=(),
        delivered_to=(), subject="", date=None, text=text, html="", reply_text=text.strip(), attachments=(),
        forwarded=(), automatic=Automatic.HUMAN, bounce=None, auth_results={},
        defects=(f"unparsable_{CAMEL_CASE.sub('_', type(error).__name__).lower()}",),
    )  # fmt: skip


def _walk(part: Message, found: _Found, *, level: int, related: bool) -> None:
    """Collect the body texts and the files of a MIME (sub)tree, in order."""
    found.count += 1
    if found.count > MAX_PARTS or level > MAX_MIME_DEPTH:
        found.defects.append("too_many_parts")
        return
    found.defects.extend(CAMEL_CASE.sub("_", type(d).__name__).lower().removesuffix("_defect") for d in part.defects)
    content_type = part.get_content_type()
    if content_type in REPORT_PARTS:
        return
    if content_type in MESSAGE_TYPES:
        found.files.append((part, part_filename(part, found.defects), related))
        return
    if part.is_multipart():
        for child in children(part):
            _walk(child, found, level=level + 1, related=content_type == "multipart/related")
        return
    filename = part_filename(part, found.defects)
    disposition = part_disposition(part)
    if content_type.startswith("multipart/"):  # its boundary is missing: its text is all there is
        content_type = "text/plain"
    if content_type in BODY_TYPES and disposition != "attachment" and not filename:
        target = found.html if content_type == "text/html" else found.plain
        target.append(body_text(part, content_type, found.defects))
        return
    found.files.append((part, filename, related))


def _files(
    parts: list[tuple[Message, str, bool]], html: str, depth: int
) -> tuple[tuple[ParsedAttachment, ...], tuple[ParsedEmail, ...]]:
    """The attachments, and the attached mails parsed (while not too deep)."""
    html_lower = html.lower()
    attachments: list[ParsedAttachment] = []
    forwarded: list[ParsedEmail] = []
    for part, filename, related in parts:
        content_type = part.get_content_type()
        is_message = content_type in MESSAGE_TYPES
        content = message_bytes(part) if is_message else part_bytes(part)
        content_id = part_content_id(part)
        if is_message or filename.lower().endswith(".eml"):
            mail = _parse(content, depth + 1) if depth < MAX_FORWARD_DEPTH else None
            if mail is not None:
                forwarded.append(mail)
            if is_message and not filename and mail is not None and mail.subject:
                filename = mail.subject[:100] + ".eml"
        referenced = bool(content_id) and f"cid:{content_id.lower()}" in html_lower
        inline = bool(content_id) and (referenced or (related and part_disposition(part) != "attachment"))
        attachments.append(
            ParsedAttachment(
                filename=safe_filename(filename, len(attachments) + 1, content_type),
                content_type=content_type,
                content=content,
                content_id=content_id,
                inline=inline,
            )
        )
    return tuple(attachments), tuple(forwarded)


def _sender(headers: RawHeaders) -> Address:
    """The first From mailbox; Sender or Return-Path supply the address when From has none."""
    from_ = parse_addresses(headers.first("from"), headers.defects)
    for address in from_:
        if address.email:
            return address
    headers.defects.append("invalid_from" if headers.has("from") else "missing_from")
    name = from_[0].name if from_ else ""
    for fallback in ("sender", "return-path"):
        for address in headers.addresses(fallback):
            if address.email:
                return Address(email=address.email, name=name or address.name)
    return Address(email="", name=name)


def _mailboxes(headers: RawHeaders, name: str) -> tuple[Address, ...]:
    """The mailboxes with a usable address in every header of this name, without repeats."""
    unique: dict[str, Address] = {}
    for address in headers.addresses(name):
        if address.email:
            unique.setdefault(address.email, address)
    return tuple(unique.values())


def _message_id(headers: RawHeaders) -> str:
    """The Message-ID without <>; a bare token when that is all there is; "" when missing."""
    raw = unfold(decode_raw(headers.first("message-id"))).strip()
    ids = header_message_ids(raw)
    if ids:
        return ids[0]
    headers.defects.append("invalid_message_id" if raw else "missing_message_id")
    return raw.split()[0].strip("<>") if raw.split() else ""


def _date(headers: RawHeaders) -> datetime | None:
    """Date, else the time our side received the mail (the top Received header)."""
    value = headers.text("date")
    parsed = parse_date(value)
    if parsed is None:
        headers.defects.append("invalid_date" if value else "missing_date")
        received = unfold(headers.first("received")).rpartition(";")[2]
        parsed = parse_date(received) if received else None
    return parsed


def _auth_results(headers: RawHeaders) -> dict[str, str]:
    """spf / dkim / dmarc / arc results from the receiving server's own Authentication-Results: the topmost header
    and those just below it with the same authserv-id (one per milter). Lower ones were added by hops before
    ours, or forged by the sender, and are not trusted (RFC 8601 §5)."""
    results: dict[str, str] = {}
    ours = ""
    for value in headers.all("authentication-results"):
        text = unfold(value)
        server = text.split(";", 1)[0].strip().split(" ", 1)[0].lower()
        if ours and server != ours:
            break
        ours = ours or server
        for key, result in AUTH_RESULT.findall(text):
            results.setdefault(key.lower(), result.lower())
    received_spf = headers.first("received-spf").strip().split(" ", 1)[0].lower()
    if "spf" not in results and received_spf.isalpha():
        results["spf"] = received_spf
    return results


def _header_defects(headers: RawHeaders) -> list[str]:
    """Structural header problems that cost no field."""
    if headers.has("content-type") and not headers.has("mime-version"):
        return ["missing_mime_version"]
    return []


def _spam_flag(headers: RawHeaders) -> bool:
    """Whether a spam filter on the way marked the mail."""
    flag = headers.first("x-spam-flag").strip().lower()
    status = headers.first("x-spam-status").strip().lower()
    return flag.startswith("yes") or status.startswith("yes")


def _language(text: str) -> str:
    """The language of `text`, "ru" or "en", when its letters clearly say so; else ""."""
    sample = text[:LANGUAGE_SAMPLE]  # the opening is enough, and pasted logs or base64 further down do not count
    cyrillic, latin = len(CYRILLIC.findall(sample)), len(LATIN.findall(sample))
    if cyrillic + latin < 10:
        return ""
    if cyrillic >= 0.6 * (cyrillic + latin):
        return "ru"
    return "en" if latin >= 0.9 * (cyrillic + latin) else ""
