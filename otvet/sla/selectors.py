"""Reads of the SLA domain for the pages: a ticket's clock timeline and the badge of its nearest deadline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from otvet.sla.choices import SlaState, SlaTarget
from otvet.sla.clocks import DUE_COLUMNS, duration_text
from otvet.sla.models import SlaClockEntry
from otvet.tickets.models import Ticket

# Under this much time left a running deadline's badge turns from blue to amber.
SOON = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class Badge:
    """What a list row or the ticket header shows for a ticket's SLA."""

    state: str
    colour: str
    text: str
    due_at: dt.datetime | None


def sla_badge(ticket: Ticket, now: dt.datetime) -> Badge | None:
    """The badge from the ticket's own columns (no query): time left or overdue, paused, met or breached."""
    state = ticket.sla_state
    due = ticket.sla_due_at
    if not state:
        return None
    if state in (SlaState.DUE, SlaState.BREACHED) and due is not None:
        if due > now:
            colour = "danger" if state == SlaState.BREACHED else ("warning" if due - now <= SOON else "primary")
            return Badge(state, colour, _("in %(time)s") % {"time": duration_text(due - now)}, due)
        return Badge(state, "danger", _("overdue by %(time)s") % {"time": duration_text(now - due)}, due)
    texts = {SlaState.PAUSED: _("paused"), SlaState.MET: _("met"), SlaState.BREACHED: _("breached")}
    return Badge(state, SlaState(state).colour, texts.get(SlaState(state), ""), None)


def sla_deadlines(ticket: Ticket) -> list[tuple[str, dt.datetime]]:
    """The ticket's running deadlines by target, from its columns (no query)."""
    found = [(str(SlaTarget(target).label), getattr(ticket, column)) for target, column in DUE_COLUMNS.items()]
    return [(label, due) for label, due in found if due is not None]


def sla_entries_for_ticket(ticket: Ticket) -> list[SlaClockEntry]:
    """The clock timeline of a ticket, oldest first, in one query; none asked for a ticket that never had SLA."""
    if ticket.sla_policy_id is None and not ticket.sla_state:
        return []
    return list(SlaClockEntry.objects.filter(ticket=ticket).order_by("at", "id"))
