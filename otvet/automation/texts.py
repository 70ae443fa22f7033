"""Texts that rules write (replies, notes, notifications): placeholders filled from the ticket.

{number}, {subject}, {name} (the requester), {status}, {line}, {working_hours} (the ticket's calendar in words).
An unknown placeholder is left as it is, so that a typo in a rule shows rather than breaks the rule.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import translation

from otvet.sla.calendars import calendar_for_ticket, hours_text
from otvet.tickets.models import Ticket

PLACEHOLDERS = ("number", "subject", "name", "status", "line", "working_hours")


PLACEHOLDER = re.compile(r"\{(\w+)\}")


def text_fill(template: str, ticket: Ticket, at: dt.datetime, language: str | None = None) -> str:
    """`template` with the ticket's placeholders filled, in `language` (default: the requester's)."""
    language = language or customer_language(ticket)
    with translation.override(language):
        values: dict[str, Any] = {
            "number": ticket.number,
            "subject": ticket.subject,
            "name": ticket.requester.name,
            "status": ticket.status.customer_name,
            "line": ticket.line.name,
        }
        if "{working_hours}" in template:
            values["working_hours"] = hours_text(calendar_for_ticket(ticket), language)
    return PLACEHOLDER.sub(lambda match: str(values.get(match.group(1), match.group(0))), template)


def customer_language(ticket: Ticket) -> str:
    """The requester's language: the contact's, else their login's, else Russian."""
    requester = ticket.requester
    user = requester.user if requester.user_id else None
    language = requester.language or (user.language if user is not None else "") or "ru"
    return "en" if language.startswith("en") else "ru"


def reply_text(action: dict[str, Any], ticket: Ticket, at: dt.datetime) -> str:
    """The reply of a «reply» action in the customer's language (the English text when there is one)."""
    language = customer_language(ticket)
    body = action.get("body_en") if language == "en" and action.get("body_en") else action["body"]
    return text_fill(str(body), ticket, at, language)
