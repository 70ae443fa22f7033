"""The PBX webhook's JSON as a plain dataclass; every refusal names the field at fault."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.dateparse import parse_datetime

from otvet.connectors.phone.choices import CallDirection, CallStatus
from otvet.lib.phones import phone_normalize

MAX_CALL_ID = 255
MAX_NUMBER = 40
MAX_URL = 1000
MAX_DURATION = 7 * 24 * 3600  # a week: anything longer is a broken counter, not a call


class PayloadError(ValueError):
    """The payload cannot be taken: `field` is the one at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ParsedCall:
    """One call as the PBX reported it, checked."""

    call_id: str
    caller: str
    callee: str
    customer_number: str  # E.164: the caller of an incoming call, the callee of an outgoing one
    direction: CallDirection
    status: CallStatus
    started_at: dt.datetime
    duration: int
    recording_url: str
    payload: dict[str, Any]


def call_parse(body: bytes) -> ParsedCall:
    """The webhook body as a ParsedCall, or PayloadError."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise PayloadError("body", "The body is not JSON.") from error
    if not isinstance(data, dict):
        raise PayloadError("body", "The body is not a JSON object.")
    direction = _choice(data, "direction", CallDirection)
    caller, callee = _text(data, "caller", MAX_NUMBER), _text(data, "callee", MAX_NUMBER)
    customer_field = "caller" if direction == CallDirection.INBOUND else "callee"
    customer_number = phone_normalize(caller if customer_field == "caller" else callee)
    if customer_number is None:
        raise PayloadError(customer_field, "The customer's number is not a phone number.")
    return ParsedCall(
        call_id=_text(data, "call_id", MAX_CALL_ID),
        caller=caller,
        callee=callee,
        customer_number=customer_number,
        direction=direction,
        status=_choice(data, "status", CallStatus),
        started_at=_moment(data, "started_at"),
        duration=_duration(data, "duration"),
        recording_url=_url(data, "recording_url"),
        payload=data,
    )


def _text(data: dict[str, Any], name: str, limit: int) -> str:
    value = data.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # PBXs send numbers and ids as JSON numbers too
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(name, f"`{name}` is required and must be a string.")
    if len(value.strip()) > limit:
        raise PayloadError(name, f"`{name}` is longer than {limit} characters.")
    return value.strip()


def _choice(data: dict[str, Any], name: str, choices: type[CallDirection] | type[CallStatus]) -> Any:
    value = data.get(name)
    if value not in choices.values:
        raise PayloadError(name, f"`{name}` must be one of: {', '.join(choices.values)}.")
    return choices(value)


def _moment(data: dict[str, Any], name: str) -> dt.datetime:
    """ISO 8601 (a moment without an offset is in TIME_ZONE, as a local PBX writes it) or a Unix timestamp."""
    value = data.get(name)
    moment: dt.datetime | None = None
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            moment = dt.datetime.fromtimestamp(value, tz=dt.UTC)
        elif isinstance(value, str):
            moment = parse_datetime(value.strip())
    except (ValueError, OverflowError, OSError):
        moment = None
    if moment is None:
        raise PayloadError(name, f"`{name}` must be an ISO 8601 date and time or a Unix timestamp.")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    return moment.astimezone(dt.UTC)


def _duration(data: dict[str, Any], name: str) -> int:
    value = data.get(name, 0)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_DURATION:
        raise PayloadError(name, f"`{name}` must be a whole number of seconds between 0 and {MAX_DURATION}.")
    return value


def _url(data: dict[str, Any], name: str) -> str:
    value = data.get(name) or ""
    if not isinstance(value, str):
        raise PayloadError(name, f"`{name}` must be a URL.")
    value = value.strip()
    if value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(value) > MAX_URL:
            raise PayloadError(name, f"`{name}` must be an http(s) URL of at most {MAX_URL} characters.")
    return value
