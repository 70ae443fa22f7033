"""Reading one MIME part: its bytes, its text (charset checked, format=flowed joined), its file name and id."""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from email import policy
from email.message import Message

from otvet.connectors.email.headers import (
    codec_name,
    decode_bytes,
    decode_raw,
    decode_words,
    header_message_ids,
    unfold,
)
from otvet.connectors.email.html_text import html_charset

MAX_FILENAME = 180
WHITESPACE = re.compile(r"\s+")
EXTENSIONS = {
    "application/pdf": ".pdf",
    "application/zip": ".zip",
    "application/ms-tnef": ".dat",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "image/gif": ".gif",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "message/rfc822": ".eml",
    "text/calendar": ".ics",
    "text/csv": ".csv",
    "text/html": ".html",
    "text/plain": ".txt",
}
EML_POLICY = policy.default.clone(refold_source="none", linesep="\r\n")
UNSAFE_IN_FILENAME = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')


def _raw_header(part: Message, name: str) -> str:
    """A header of the part as it arrived (8-bit bytes decoded, unfolded), "" when absent."""
    value = next((str(v) for k, v in part.raw_items() if k.lower() == name), "")
    return unfold(decode_raw(value))


def children(part: Message) -> list[Message]:
    """The sub-parts of a multipart (or the mail inside a message/rfc822 part); [] for a leaf."""
    if not part.is_multipart():  # checked first: get_payload() on a leaf may decode, and raise
        return []
    payload = part.get_payload()
    return [child for child in payload if isinstance(child, Message)] if isinstance(payload, list) else []


def part_bytes(part: Message) -> bytes:
    """The decoded content of a leaf part (base64 and quoted-printable undone, broken encodings tolerated)."""
    try:
        data = part.get_payload(decode=True)
    except Exception:  # a payload the stdlib cannot decode is taken as it is below
        data = None
    if isinstance(data, bytes):
        return data
    try:
        payload = part.get_payload()
    except (ValueError, LookupError):  # a charset parameter Python cannot use (an embedded NUL, say)
        return b""
    return payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""


def message_bytes(part: Message) -> bytes:
    """An attached mail as .eml bytes, undoing the base64 or quoted-printable some clients wrap it in."""
    inner = next(iter(children(part)), None)
    if inner is None:
        return part_bytes(part)
    try:
        data = inner.as_bytes(policy=EML_POLICY)
    except Exception:  # a mail the generator cannot write back keeps its body only
        data = part_bytes(inner)
    encoding = _raw_header(part, "content-transfer-encoding").strip().lower()
    if encoding == "base64":
        try:
            decoded = base64.b64decode(re.sub(rb"[^A-Za-z0-9+/]", b"", data) + b"==", validate=False)
        except (binascii.Error, ValueError):
            decoded = b""
        data = decoded if b":" in decoded[:1000] else data
    elif encoding == "quoted-printable":
        data = quopri.decodestring(data)
    return data


def part_filename(part: Message, defects: list[str]) -> str:
    """The decoded file name of a part (RFC 2231, RFC 2047, unlabelled 8-bit); "" when it has none."""
    try:
        name = str(part.get_filename() or "")
    except Exception:  # a broken parameter list: read the raw header below
        name = "\ufffd"
    if "\ufffd" in name or any("\udc80" <= c <= "\udcff" for c in name):
        shadow = Message()  # compat32: parameters read from the 8-bit-decoded raw headers
        for key, value in part.raw_items():
            if key.lower() in ("content-disposition", "content-type"):
                shadow[key] = unfold(decode_raw(str(value), defects))
        try:
            name = str(shadow.get_filename() or "")
        except Exception:  # nothing readable: the caller falls back to a generated name
            name = ""
    return decode_words(name, defects) if "=?" in name else name


def part_disposition(part: Message) -> str:
    """The part's disposition: "inline", "attachment" or "" when it states none."""
    try:
        return str(part.get_content_disposition() or "")
    except Exception:  # an unreadable disposition counts as none
        return ""


def part_content_id(part: Message) -> str:
    """The Content-ID without <>."""
    raw = _raw_header(part, "content-id")
    ids = header_message_ids(raw)
    return ids[0] if ids else raw.strip().strip("<>").strip()


def safe_filename(name: str, index: int, content_type: str) -> str:
    """A basename safe to store: no directories, control or reserved characters; generated when empty."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = WHITESPACE.sub(" ", UNSAFE_IN_FILENAME.sub("_", name)).strip(" .")
    if len(name) > MAX_FILENAME:
        stem, dot, extension = name.rpartition(".")
        keep = dot + extension if dot and len(extension) <= 10 else ""
        name = (stem if keep else name)[: MAX_FILENAME - len(keep)] + keep
    return name or f"attachment-{index}{EXTENSIONS.get(content_type, '.bin')}"


def body_text(part: Message, content_type: str, defects: list[str]) -> str:
    """A text part decoded: declared charset checked against the bytes, format=flowed joined back."""
    data = part_bytes(part)
    try:
        label = str(part.get_content_charset() or "")
        flowed = str(part.get_param("format", "") or "").lower() == "flowed"
        delsp = str(part.get_param("delsp", "") or "").lower() == "yes"
    except Exception:  # unreadable parameters: guess the charset, no flowing
        label, flowed, delsp = "", False, False
    if not label and content_type == "text/html":
        label = html_charset(data)
    text, mismatch = decode_bytes(data, label)
    if mismatch:
        defects.append(("charset_mismatch" if codec_name(label) else "unknown_charset") if label else "unlabelled_8bit")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return unflow(text, delsp) if flowed and content_type == "text/plain" else text


def unflow(text: str, delsp: bool) -> str:
    """RFC 3676 format=flowed text with its soft line breaks joined."""
    lines: list[str] = []
    soft = False
    previous_depth = 0
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        content = content[1:] if content.startswith(" ") else content  # space-stuffing
        if soft and lines and depth == previous_depth:
            lines[-1] += content
        else:
            lines.append(">" * depth + (" " if depth and content else "") + content)
        soft = content.endswith(" ") and content.rstrip() != "--"
        if soft and delsp:
            lines[-1] = lines[-1][:-1]
        previous_depth = depth
    return "\n".join(lines)
