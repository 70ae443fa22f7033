"""SLA on the agent's pages: the deadline badge (from the ticket's columns) and the clock timeline panel."""

from __future__ import annotations

from typing import Any

from django import template

from otvet.core import clock
from otvet.sla.choices import ClockEntryKind
from otvet.sla.selectors import sla_badge, sla_deadlines, sla_entries_for_ticket
from otvet.tickets.models import Ticket

register = template.Library()

ENTRY_ICONS = {
    ClockEntryKind.STARTED: "play-circle",
    ClockEntryKind.PAUSED: "pause-circle",
    ClockEntryKind.RESUMED: "play-circle",
    ClockEntryKind.WARNED: "hourglass-split",
    ClockEntryKind.BREACHED: "alarm",
    ClockEntryKind.MET: "check-circle",
    ClockEntryKind.RESTARTED: "arrow-repeat",
    ClockEntryKind.CANCELLED: "x-circle",
}


@register.inclusion_tag("workspace/_sla_badge.html")
def sla_badge_for(ticket: Ticket) -> dict[str, Any]:
    """The SLA badge of a list row or the ticket header; no query."""
    return {"badge": sla_badge(ticket, clock.now())}


@register.inclusion_tag("workspace/_sla_panel.html")
def sla_panel(ticket: Ticket, oob: bool = False) -> dict[str, Any]:
    """The ticket page's SLA card: the running deadlines and the clock timeline (one query, none without SLA)."""
    return {
        "ticket": ticket,
        "badge": sla_badge(ticket, clock.now()),
        "deadlines": sla_deadlines(ticket),
        "entries": sla_entries_for_ticket(ticket),
        "oob": oob,
    }


@register.filter
def sla_entry_icon(kind: str) -> str:
    return ENTRY_ICONS.get(ClockEntryKind(kind), "clock") if kind in ClockEntryKind.values else "clock"
