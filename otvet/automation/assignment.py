"""Auto-assignment: a line hands its unassigned tickets to a member, by round robin or by fewest open tickets.

A member is eligible when the agent and their user are active, they may see the ticket, they are on shift by their
schedule (no schedule: any time) and below their cap of open tickets. Presence (online, away, offline) is not
required: nothing sets it yet, so requiring it would leave every ticket unassigned. Members who were passed over
are named on the assignment event, with the reason; when nobody is eligible the ticket stays in the queue and only
the log says why.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Sequence

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from otvet.accounts.models import Agent
from otvet.core import clock
from otvet.lib.business_time import is_working_time
from otvet.sla.calendars import calendar_for_agent
from otvet.tickets.access import Actor, agents_who_may_see
from otvet.tickets.choices import AssignmentMode, EventKind
from otvet.tickets.models import Line, Ticket, TicketEvent
from otvet.tickets.services.assignment import ticket_assign
from otvet.tickets.services.common import lock

logger = logging.getLogger(__name__)

# Events after which a ticket may be waiting in a line's queue without an assignee.
QUEUE_EVENTS = (EventKind.CREATED, EventKind.TRANSFERRED, EventKind.RELEASED, EventKind.REOPENED)
# After these the previous assignee has just let the ticket go: it goes to someone else.
LET_GO_EVENTS = (EventKind.TRANSFERRED, EventKind.RELEASED)
NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)

Skipped = list[tuple[Agent, str]]


def _open_counts(agent_ids: Collection[int]) -> dict[int, int]:
    """Open tickets per agent, in one grouped query (served by the assignee queue index)."""
    rows = (
        Ticket.objects.filter(is_open=True, assignee_id__in=list(agent_ids))
        .values("assignee_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["assignee_id"]: row["n"] for row in rows}


def _members(line: Line, *, for_update: bool) -> list[Agent]:
    members = line.members.select_related("user").order_by("pk")
    if for_update:
        # Every member, in id order (no deadlocks between lines that share agents): two workers assigning at once
        # then see each other's counts and rotation, so neither skips a cap nor gives two tickets to one member.
        members = members.select_for_update(of=("self",))
    return list(members)


def _skip_reason(
    agent: Agent, at: dt.datetime, open_count: int, *, allowed: Collection[int] | None, excluded: Collection[int]
) -> str:
    """Why `agent` cannot take a ticket now, or "" when they can."""
    if not agent.is_active or not agent.user.is_active:
        return _("not active")
    if allowed is not None and agent.pk not in allowed:
        return _("cannot see the ticket")
    if agent.pk in excluded:
        return _("has just let it go")
    schedule = calendar_for_agent(agent)
    if schedule is not None and not is_working_time(schedule, at):
        return _("off shift")
    if agent.max_open_tickets is not None and open_count >= agent.max_open_tickets:
        cap = agent.max_open_tickets
        return ngettext("limit of %(n)s open ticket", "limit of %(n)s open tickets", cap) % {"n": cap}
    return ""


def _choose(
    members: Sequence[Agent],
    *,
    at: dt.datetime,
    mode: AssignmentMode,
    allowed: Collection[int] | None = None,
    excluded: Collection[int] = (),
) -> tuple[Agent | None, Skipped]:
    if mode == AssignmentMode.OFF or not members:
        return None, []
    counts = _open_counts([agent.pk for agent in members])
    eligible: list[Agent] = []
    skipped: Skipped = []
    for agent in members:
        reason = _skip_reason(agent, at, counts.get(agent.pk, 0), allowed=allowed, excluded=excluded)
        if reason:
            skipped.append((agent, reason))
        else:
            eligible.append(agent)
    if not eligible:
        return None, skipped

    def waited(agent: Agent) -> tuple[dt.datetime, int]:
        # Never auto-assigned comes first; ties by id.
        return agent.last_auto_assigned_at or NEVER, agent.pk

    if mode == AssignmentMode.LEAST_OPEN:
        return min(eligible, key=lambda agent: (counts.get(agent.pk, 0), *waited(agent))), skipped
    return min(eligible, key=waited), skipped


def agent_pick(*, line: Line, at: dt.datetime, mode: AssignmentMode) -> tuple[Agent | None, Skipped]:
    """The member of `line` who would get the next ticket at `at`, and every member passed over with the reason."""
    return _choose(_members(line, for_update=False), at=at, mode=mode)


def skipped_note(skipped: Skipped) -> str:
    """«Skipped: Иван (off shift), Ольга (limit of 10 open tickets)», or "" when nobody was."""
    if not skipped:
        return ""
    people = ", ".join(_("%(agent)s (%(reason)s)") % {"agent": agent, "reason": reason} for agent, reason in skipped)
    return _("Skipped: %(agents)s") % {"agents": people}


def ticket_auto_assign(
    *,
    ticket: Ticket,
    at: dt.datetime,
    mode: AssignmentMode | None = None,
    actor: Actor | None = None,
    excluded: Collection[int] = (),
) -> Agent | None:
    """Give an open, unassigned ticket to a member of its line by the line's mode (or `mode`); who got it.

    A ticket that is closed or already assigned is left alone, so running twice is harmless.
    """
    with transaction.atomic():
        ticket = lock(ticket)
        mode = AssignmentMode(mode or ticket.line.assignment)
        if ticket.assignee_id is not None or not ticket.is_open or mode == AssignmentMode.OFF:
            return None
        members = _members(ticket.line, for_update=True)
        allowed = set(
            agents_who_may_see(ticket).filter(pk__in=[agent.pk for agent in members]).values_list("pk", flat=True)
        )
        chosen, skipped = _choose(members, at=at, mode=mode, allowed=allowed, excluded=excluded)
        if chosen is None:
            logger.info(
                "ticket %s stays unassigned: no eligible member in line %s (%s)",
                ticket.pk,
                ticket.line.code,
                "; ".join(f"{agent.pk}: {reason}" for agent, reason in skipped) or "no members",
            )
            return None
        # Strictly after every member's stamp: tickets assigned in one instant (a batch, a frozen clock) still rotate.
        latest = max((agent.last_auto_assigned_at or NEVER for agent in members), default=NEVER)
        chosen.last_auto_assigned_at = max(at, latest + dt.timedelta(microseconds=1))
        chosen.save(update_fields=["last_auto_assigned_at"])
        label = _("Auto-assignment (%(mode)s)") % {"mode": mode.label}
        note = " ".join(part for part in (f"{label}.", skipped_note(skipped)) if part)
        ticket_assign(ticket=ticket, actor=actor or Actor.system(label), assignee=chosen, note=note)
    return chosen


def auto_assign_events(events: Sequence[TicketEvent]) -> None:
    """Event handler: tickets that entered a queue (opened, transferred, released, reopened) go to a member of their
    line when it assigns automatically. Events of rules count too: a rule that sends a ticket back to the queue
    wants it taken by someone."""
    let_go: dict[int, set[int]] = {}
    for event in events:
        if event.kind not in QUEUE_EVENTS:
            continue
        previous = (event.changes or {}).get("assignee") or [None, None]
        held = let_go.setdefault(event.ticket_id, set())
        if event.kind in LET_GO_EVENTS and isinstance(previous[0], int):
            held.add(previous[0])
    if not let_go:
        return
    waiting = (
        Ticket.objects.filter(pk__in=list(let_go), is_open=True, assignee__isnull=True)
        .exclude(line__assignment=AssignmentMode.OFF)
        .order_by("pk")
    )
    at = clock.now()
    for ticket in waiting:
        ticket_auto_assign(ticket=ticket, at=at, excluded=let_go[ticket.pk])
