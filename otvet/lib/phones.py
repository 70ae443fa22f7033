"""Phone numbers to E.164 (+79121234567): the one form identities and contacts are matched by."""

from __future__ import annotations

import re

E164_MIN_DIGITS = 8  # the shortest national numbers with a country code (some small countries)
E164_MAX_DIGITS = 15  # ITU-T E.164
RU_NATIONAL_DIGITS = 10  # 912 123-45-67, 495 123-45-67
RU_TRUNK = "8"  # 8 912 … dialled inside Russia
RU_COUNTRY = "7"
RU_INTERNATIONAL = "810"  # the Russian international prefix (8-10-49-…), still printed on old cards
INTERNATIONAL = "00"

# Separators people and PBXs write between the digits; anything else (letters, extensions) is not a number.
_SEPARATORS = re.compile(r"[\s()\-./\u00a0\u2010-\u2015]")
_TEL_PREFIX = re.compile(r"^tel:", re.IGNORECASE)


def phone_normalize(raw: str) -> str | None:
    """The number in E.164 (`+79121234567`), Russian national forms included; None when it is not a number."""
    text = _SEPARATORS.sub("", _TEL_PREFIX.sub("", (raw or "").strip()))
    plus = text.startswith("+")
    digits = text[1:] if plus else text
    if not digits.isascii() or not digits.isdigit():
        return None
    if not plus:
        digits = _national_to_international(digits)
    if digits.startswith("0") or not E164_MIN_DIGITS <= len(digits) <= E164_MAX_DIGITS:
        return None
    if digits.startswith(RU_COUNTRY) and len(digits) != RU_NATIONAL_DIGITS + 1:
        return None  # +7 numbers (Russia, Kazakhstan) always have ten digits after the country code
    return f"+{digits}"


def _national_to_international(digits: str) -> str:
    """Digits without a plus: 8 912…, 7 912…, 912… (ten digits), 00 49…, 810 49… become a country code first."""
    if len(digits) == RU_NATIONAL_DIGITS and digits[0] != "0":
        return RU_COUNTRY + digits
    if len(digits) == RU_NATIONAL_DIGITS + 1 and digits[0] in (RU_TRUNK, RU_COUNTRY):
        return RU_COUNTRY + digits[1:]
    for prefix in (INTERNATIONAL, RU_INTERNATIONAL):
        if digits.startswith(prefix) and len(digits) > len(prefix) + E164_MIN_DIGITS - 1:
            return digits[len(prefix) :]
    return digits


def phone_display(number: str) -> str:
    """A Russian E.164 number grouped for reading (+7 912 123-45-67); other numbers as they are."""
    if number.startswith("+7") and len(number) == RU_NATIONAL_DIGITS + 2:
        d = number[2:]
        return f"+7 {d[:3]} {d[3:6]}-{d[6:8]}-{d[8:]}"
    return number
