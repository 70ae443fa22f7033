"""Tolerant decoding of mail headers and Russian charsets: encoded words, 8-bit bytes, addresses, ids, dates."""

from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import getaddresses, parsedate_to_datetime

# Single-byte Cyrillic encodings that mislabelled or unlabelled Russian mail is really written in; the order
# breaks ties (windows-1251 is far more common today than KOI8-R).
CYRILLIC_GUESSES = ("cp1251", "koi8_r")
# Labels that Python's codec registry does not know but mailers write.
CHARSET_ALIASES = {
    "win-1251": "cp1251",
    "win1251": "cp1251",
    "x-cp1251": "cp1251",
    "windows1251": "cp1251",
    "koi8": "koi8_r",
    "koi8r": "koi8_r",
    "x-koi8-r": "koi8_r",
    "unicode-1-1-utf-8": "utf-8",
    "x-unknown": "",
    "unknown-8bit": "",
    "default": "",
}
# Stateful or multi-byte codecs: a strict decode with them is trusted before any guess.
TRUSTED_MULTIBYTE = ("utf_16", "utf_32", "utf_7", "gb", "big5", "shift_jis", "euc", "iso2022", "cp932", "cp949")
ASCII_CODECS = ("ascii", "us_ascii")

# An encoded word; also one whose closing "?=" was lost at the end of the value or before a space.
ENCODED_WORD = re.compile(r"=\?([^?\s]{1,40})\?([bBqQ])\?([^?\s]*)(\?=)?(?(4)|(?=\s|$))")
WHITESPACE = re.compile(r"\s+")
FOLDING = re.compile(r"\r?\n")
ANGLE_ID = re.compile(r"<([^<>]*)>")
BARE_ID = re.compile(r"[^\s,;<>()\"']+@[^\s,;<>()\"']+")
COMMENT = re.compile(r"\([^()]*\)")
VALID_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+$")

RU_MONTHS = {
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "мая": 5, "май": 5, "июн": 6,
    "июл": 7, "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
}  # fmt: skip
EN_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
LOOSE_DATE = re.compile(
    r"(\d{1,4})[\s./-]+([a-zа-яё]{3,}\.?|\d{1,2})[\s./-]+(\d{2,4})[\s,Tв]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?"
    r"\s*(?:(?:GMT|UTC)?\s*([+-]\d{2}):?(\d{2}))?",
    re.IGNORECASE,
)
EARLIEST_YEAR, LATEST_YEAR = 1980, 2200
# Headers RFC 5322 allows once per mail; the first of several is used.
SINGLE_HEADERS = (
    "date",
    "from",
    "sender",
    "reply-to",
    "to",
    "cc",
    "message-id",
    "in-reply-to",
    "references",
    "subject",
)


def codec_name(label: str) -> str:
    """Python's name for a MIME charset label, "" when the label is empty or unknown."""
    label = label.strip().strip("\"'").lower()
    label = CHARSET_ALIASES.get(label, label)
    if not label:
        return ""
    try:
        name = codecs.lookup(label).name
        "\ufffd".encode(name, "replace").decode(name, "replace")  # base64, zlib, rot13... are no charsets
    except (LookupError, ValueError):
        return ""
    return name.replace("-", "_")


def cyrillic_score(text: str) -> int:
    """How much `text` looks like Russian decoded with the right codec; wrong codecs score zero or below.

    A wrong single-byte codec swaps the cases (KOI8-R and windows-1251 keep lower and upper case in opposite
    halves), so words come out as "пРИВЕТ"; it also yields box-drawing signs and letters glued to Latin ones.
    """
    score = 0
    previous = ""
    for char in text:
        lower = "а" <= char <= "я" or char == "ё"
        upper = "А" <= char <= "Я" or char == "Ё"
        if lower or upper:
            previous_lower = "а" <= previous <= "я" or previous == "ё"
            if previous.isascii() and previous.isalpha():
                score -= 3
            elif upper and previous_lower:
                score -= 4
            elif lower:
                score += 1
        elif "\u2500" <= char <= "\u25ff" or "\x80" <= char <= "\x9f" or char in "ЂЃѓЉЊЌЋЏђљњќћџЎўЈҐґЅѕј":
            score -= 3
        elif char.isascii() and char.isalpha() and ("а" <= previous.lower() <= "я"):
            score -= 3
        previous = char
    return score


def guess_cyrillic(data: bytes) -> tuple[str, str]:
    """(text, codec) for 8-bit bytes that are not UTF-8: whichever Cyrillic codec reads most like Russian."""
    best = max(CYRILLIC_GUESSES, key=lambda name: cyrillic_score(data.decode(name, "replace")))
    return data.decode(best, "replace"), best


def decode_bytes(data: bytes, label: str = "") -> tuple[str, bool]:
    """(text, mismatch) for bytes declared as `label`: trusts UTF-8 when it validates, then the label, then guesses.

    `mismatch` is True when the label was missing, unknown or wrong for 8-bit data.
    """
    codec = codec_name(label)
    if codec.startswith(TRUSTED_MULTIBYTE):  # before the ASCII check: UTF-16 and UTF-7 text can be all ASCII bytes
        try:
            return data.decode(codec), False
        except (UnicodeDecodeError, LookupError):
            pass
    if data.isascii():
        return data.decode("ascii"), False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return text, codec not in ("utf_8", "utf_8_sig")
    if codec in ("utf_8", "utf_8_sig"):
        text = data.decode("utf-8", "replace")
        # A few broken bytes (a cut multi-byte character) do not make a UTF-8 mail Russian single-byte text.
        if text.count("\ufffd") * 100 <= len(text):
            return text, False
        codec = ""
    if not codec or codec in ASCII_CODECS:
        return guess_cyrillic(data)[0], True
    labelled = data.decode(codec, "replace")
    guessed, _name = guess_cyrillic(data)
    labelled_score, guessed_score = cyrillic_score(labelled), cyrillic_score(guessed)
    if guessed_score > 0 and labelled_score <= 0 and guessed_score > labelled_score + 2:
        return guessed, True
    return labelled, False


def to_bytes(value: str) -> bytes:
    """The original bytes of a header value that the parser kept as surrogate escapes."""
    return value.encode("utf-8", "surrogateescape")


def _decode_word(charset: str, encoding: str, payload: str) -> bytes | None:
    """The bytes of one encoded word; None when it is too broken to decode."""
    if encoding in "bB":
        cleaned = re.sub(r"[^A-Za-z0-9+/]", "", payload)
        try:
            return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4))
        except (binascii.Error, ValueError):
            return None
    return quopri.decodestring(to_bytes(payload), header=True)


def decode_words(value: str, defects: list[str] | None = None) -> str:
    """`value` with RFC 2047 encoded words decoded (adjacent words joined, split characters re-joined)."""
    pieces: list[tuple[str, bytes] | str] = []
    position = 0
    for match in ENCODED_WORD.finditer(value):
        gap = value[position : match.start()]
        previous_is_word = bool(pieces) and isinstance(pieces[-1], tuple)
        if gap and not (previous_is_word and not gap.strip()):
            pieces.append(gap)
        charset = match.group(1).split("*", 1)[0]
        data = _decode_word(charset, match.group(2), match.group(3))
        unpadded = match.group(2) in "bB" and len(match.group(3)) % 4 != 0
        if defects is not None and (data is None or not match.group(4) or unpadded):
            defects.append("broken_encoded_word")
        if data is None:
            pieces.append(match.group(0))
        elif pieces and isinstance(pieces[-1], tuple) and pieces[-1][0] == charset.lower():
            pieces[-1] = (pieces[-1][0], pieces[-1][1] + data)
        else:
            pieces.append((charset.lower(), data))
        position = match.end()
    if position == 0:
        decoded = value
    else:
        pieces.append(value[position:])
        decoded = "".join(p if isinstance(p, str) else decode_bytes(p[1], p[0])[0] for p in pieces)
    if defects is not None and "=?" in decoded and "?=" in decoded:
        defects.append("broken_encoded_word")
    return decoded


def unfold(value: str) -> str:
    """A header value on one line."""
    return FOLDING.sub("", value) if "\n" in value else value


def decode_raw(value: str, defects: list[str] | None = None) -> str:
    """A raw header value with unlabelled 8-bit bytes decoded (UTF-8, then windows-1251 or KOI8-R), words kept."""
    if value.isascii():
        return value
    data = to_bytes(value)
    if data.isascii():
        return data.decode("ascii")
    text, _mismatch = decode_bytes(data)
    if defects is not None:
        defects.append("unlabelled_8bit_header")
    return text


def decode_header_text(value: str, defects: list[str] | None = None) -> str:
    """A header value as readable text: unfolded, 8-bit bytes and encoded words decoded, whitespace collapsed."""
    text = decode_words(unfold(decode_raw(value, defects)), defects)
    return WHITESPACE.sub(" ", text.replace("\x00", "")).strip()


@dataclass(frozen=True)
class Address:
    """One mailbox from an address header."""

    email: str  # lower-cased addr-spec, "" if unparsable
    name: str  # decoded display name


def clean_email(value: str) -> str:
    """A lower-cased addr-spec, or "" when `value` has no local part and domain."""
    value = value.strip().strip("<>").strip()
    return value.lower() if VALID_EMAIL.match(value) else ""


def parse_addresses(value: str, defects: list[str] | None = None) -> list[Address]:
    """Every mailbox in an address header; entries with neither a usable address nor a name are dropped."""
    text = unfold(decode_raw(value, defects))
    addresses = []
    for name, addr in getaddresses([text]):
        email = clean_email(addr)
        display = WHITESPACE.sub(" ", decode_words(name, defects)).strip().strip("\"'").strip()
        if not email and addr.strip():
            if defects is not None:
                defects.append("invalid_address")
            display = display or decode_words(addr).strip()
        if email or display:
            addresses.append(Address(email=email, name=display))
    return addresses


def header_message_ids(value: str) -> tuple[str, ...]:
    """Message ids in a References-like value, without <>: bracketed, comma- or newline-separated, or bare."""
    text = COMMENT.sub(" ", value or "")
    found: list[str] = []
    position = 0
    for match in ANGLE_ID.finditer(text):
        found.extend(BARE_ID.findall(text[position : match.start()]))
        inner = WHITESPACE.sub("", match.group(1)).strip("\"'")
        if inner:
            found.append(inner)
        position = match.end()
    found.extend(BARE_ID.findall(text[position:]))
    return tuple(dict.fromkeys(i for i in found if len(i) <= 998))


def _in_range(value: datetime) -> datetime | None:
    """`value` as aware UTC, or None when it is out of any plausible range."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value if EARLIEST_YEAR <= value.year <= LATEST_YEAR else None


def _loose_date(value: str) -> datetime | None:
    """A date written the way broken mailers write it: 23.11.2026 10:15, 23 ноя 2026 10:15 +0300, ISO 8601."""
    try:
        return _in_range(datetime.fromisoformat(value.strip()))
    except ValueError:
        pass
    match = LOOSE_DATE.search(value)
    if not match:
        return None
    first, month_text, third, hour, minute, second, tz_hours, tz_minutes = match.groups()
    key = month_text.lower().rstrip(".")[:3]
    month = int(month_text) if month_text.isdigit() else RU_MONTHS.get(key) or EN_MONTHS.get(key)
    day, year = (int(third), int(first)) if len(first) == 4 else (int(first), int(third))
    year += 2000 if year < 100 else 0
    offset = timedelta(0)
    if tz_hours:
        sign = -1 if tz_hours.startswith("-") else 1
        offset = sign * timedelta(hours=int(tz_hours[1:]), minutes=int(tz_minutes))
    try:
        parsed = datetime(year, month or 0, day, int(hour), int(minute), int(second or 0), tzinfo=timezone(offset))
    except (ValueError, OverflowError):
        return None
    return _in_range(parsed)


def parse_date(value: str) -> datetime | None:
    """An aware UTC datetime from a Date-like header; None when nothing plausible can be read."""
    value = WHITESPACE.sub(" ", value).strip()
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return _loose_date(value)
    return _in_range(parsed) if parsed else _loose_date(value)


class RawHeaders:
    """A message's headers as they arrived, read tolerantly; what had to be tolerated lands in `defects`."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self.items = [(str(name).strip().lower(), str(value)) for name, value in items]
        self.defects: list[str] = []

    def all(self, name: str) -> list[str]:
        """Every raw value of a header, top first."""
        return [value for key, value in self.items if key == name]

    def first(self, name: str) -> str:
        """The raw value of the first header with this name; a repeated one-per-mail header is noted as a defect."""
        values = self.all(name)
        if name in SINGLE_HEADERS and len(set(values)) > 1:
            self.defects.append("duplicate_" + name.replace("-", "_"))
        return values[0] if values else ""

    def has(self, name: str) -> bool:
        """Whether the header is present at all."""
        return any(key == name for key, _value in self.items)

    def text(self, name: str) -> str:
        """The first value of a header, decoded into readable text."""
        return decode_header_text(self.first(name), self.defects)

    def addresses(self, *names: str) -> list[Address]:
        """Every mailbox in every header with one of these names."""
        return [a for name in names for value in self.all(name) for a in parse_addresses(value, self.defects)]

    def ids(self, name: str) -> tuple[str, ...]:
        """Message ids from every header with this name, in order, without duplicates."""
        ids = [i for value in self.all(name) for i in header_message_ids(decode_raw(unfold(value)))]
        return tuple(dict.fromkeys(ids))
