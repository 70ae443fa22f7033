"""Small template helpers of the workspace: badge colours, waiting time, identity icons, list links."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils.timesince import timesince

from otvet.core import clock
from otvet.tickets.choices import Priority

register = template.Library()

IDENTITY_ICONS = {
    "email": "envelope",
    "phone": "telephone",
    "telegram": "telegram",
    "vk": "chat-square-dots",
    "viber": "chat-dots",
    "webchat": "chat-left-text",
}
CHANNEL_ICONS = {**IDENTITY_ICONS, "portal": "window", "api": "code-slash"}


@register.filter
def priority_colour(value: int) -> str:
    """The badge colour of a priority (Priority.colour)."""
    return Priority(value).colour if value in Priority.values else "secondary"


@register.filter
def priority_label(value: int) -> str:
    return str(Priority(value).label) if value in Priority.values else str(value)


@register.filter
def waiting(since: dt.datetime | None) -> str:
    """How long a ticket has waited, from the one clock: "5 minutes", "3 days"."""
    if since is None:
        return ""
    return timesince(since, now=clock.now(), depth=1)


@register.filter
def identity_icon(kind: str) -> str:
    return IDENTITY_ICONS.get(kind, "person-badge")


@register.filter
def channel_icon(kind: str) -> str:
    return CHANNEL_ICONS.get(kind, "chat")


@register.simple_tag
def list_query(values: dict[str, str], **changes: Any) -> str:
    """The list's query string with some parameters changed ("" or None drops one)."""
    merged = {**values, **changes}
    return urlencode([(name, value) for name, value in merged.items() if value not in ("", None)])
