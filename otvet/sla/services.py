"""SLA services: the only writers of SLA clocks, their timeline and the ticket's SLA columns (STYLE.md rule 1).

Committed ticket events move the clocks (sla_events_apply, called by the outbox handler); the sweeper's timers
warn and breach them (sla_warn, sla_breach). Each step is taken at the moment of its event, so a late worker
computes the same deadlines as a prompt one, and each checks the clock's state first, so a replay changes nothing.
Reasons are stored in words, in the installation's language.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from functools import cache

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from otvet.automation.timers import Arm, timers_set_many
from otvet.lib.business_time import WorkingCalendar
from otvet.sla.calendars import calendar_for_ticket
from otvet.sla.choices import ClockEntryKind, SlaTarget
from otvet.sla.clocks import (
    EVENT_KINDS,
    ClockBook,
    duration_text,
    is_active,
    is_running,
    ticket_sync,
    timer_arms,
)
from otvet.sla.models import SlaClock, SlaClockEntry, SlaPolicy
from otvet.sla.policies import policies_active, policy_for_ticket
from otvet.tickets.access import Actor
from otvet.tickets.choices import AuthorKind, EventKind, MessageKind, StatusCategory
from otvet.tickets.models import Status, Ticket, TicketEvent
from otvet.tickets.services.common import record_event

# The events that move clocks; the others (notes, tags, ratings, SLA events themselves) are passed over.
CLOCK_EVENTS = frozenset(
    {
        EventKind.CREATED,
        EventKind.REPLIED,
        EventKind.RESOLVED,
        EventKind.REOPENED,
        EventKind.STATUS_CHANGED,
        EventKind.FIELDS_CHANGED,
        EventKind.TRANSFERRED,
    }
)
RESPONSES = (SlaTarget.FIRST_RESPONSE, SlaTarget.NEXT_RESPONSE)
CLOCK_FIELDS = [
    "policy",
    "state",
    "started_at",
    "due_at",
    "remaining_seconds",
    "paused_at",
    "warned_at",
    "breached_at",
    "met_at",
]
SYSTEM = "SLA"


def sla_events_apply(*, events: Sequence[TicketEvent]) -> int:
    """Apply committed events to their tickets' clocks, in order; how many tickets' clocks changed. One query
    each for the tickets (locked), their clocks, their timelines' last moves, the statuses and the policies."""
    by_ticket: dict[int, list[TicketEvent]] = defaultdict(list)
    for event in sorted(events, key=lambda e: (e.created_at, e.pk or 0)):
        if event.kind in CLOCK_EVENTS:
            by_ticket[event.ticket_id].append(event)
    if not by_ticket:
        return 0
    ids = sorted(by_ticket)
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        tickets = Ticket.objects.select_for_update(of=("self",)).select_related("status", "company", "line")
        locked = {ticket.pk: ticket for ticket in tickets.filter(pk__in=ids).order_by("pk")}
        clocks: dict[int, list[SlaClock]] = defaultdict(list)
        for row in SlaClock.objects.filter(ticket_id__in=ids).select_related("policy"):
            clocks[row.ticket_id].append(row)
        moved = (
            SlaClockEntry.objects.filter(ticket_id__in=ids, kind__in=EVENT_KINDS)
            .values_list("ticket_id", "target")
            .annotate(last=Max("at"))
        )
        last_moved: dict[int, dict[str, dt.datetime]] = defaultdict(dict)
        for ticket_id, target, last in moved:
            last_moved[ticket_id][target] = last
        statuses = {status.code: status for status in Status.objects.all()}
        policies = policies_active()
        books = []
        for ticket_id, ticket_events in by_ticket.items():
            ticket = locked.get(ticket_id)
            if ticket is None:
                continue
            book = _book(ticket, clocks[ticket_id], policy_for_ticket(ticket, policies), last_moved[ticket_id])
            for event, status_code in zip(ticket_events, _statuses_after(ticket, ticket_events), strict=True):
                _apply(book, event, statuses.get(status_code or ""), statuses)
            books.append(book)
        changed = _save_many(books)
    return changed


def sla_breach(*, ticket_id: int, target: str, at: dt.datetime, episode: str = "") -> bool:
    """Mark a running clock breached once its deadline has passed (its timer fired) and record SLA_BREACHED for
    the rules; False when the clock has moved on (met, paused, another deadline) since the timer was armed."""
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        book = _book_locked(ticket_id)
        clock = book.clocks.get(target) if book is not None else None
        if book is None or clock is None or not _armed_for(clock, episode) or clock.breached_at is not None:
            return False
        assert clock.due_at is not None
        if clock.due_at > at:
            return False
        book.catch_up_breach(clock, at)
        _save(book)
    return True


def sla_warn(*, ticket_id: int, target: str, at: dt.datetime, episode: str = "") -> bool:
    """Record that a running clock's deadline is near (SLA_WARNING, for the rules); False when the clock has moved
    on, was warned already, or its deadline has passed (the breach says it then)."""
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        book = _book_locked(ticket_id)
        clock = book.clocks.get(target) if book is not None else None
        if book is None or clock is None or not _armed_for(clock, episode) or clock.warned_at is not None:
            return False
        assert clock.due_at is not None
        if clock.breached_at is not None or clock.due_at <= at:
            return False
        clock.warned_at = at
        left = duration_text(clock.due_at - at)
        reason = _("the %(target)s deadline is in %(left)s") % {"target": _target_name(target), "left": left}
        book.note(clock, ClockEntryKind.WARNED, at, reason)
        _save(book)
        record_event(book.ticket, EventKind.SLA_WARNING, Actor.system(SYSTEM), changes=_sla_changes(clock))
    return True


def _armed_for(clock: SlaClock, episode: str) -> bool:
    """The clock still runs towards the deadline its timer was armed for."""
    if not is_running(clock) or clock.due_at is None:
        return False
    return not episode or clock.due_at.isoformat() == episode


def _book_locked(ticket_id: int) -> ClockBook | None:
    tickets = Ticket.objects.select_for_update(of=("self",)).select_related("company", "line", "sla_policy")
    ticket = tickets.filter(pk=ticket_id).first()
    if ticket is None:
        return None
    rows = list(SlaClock.objects.filter(ticket_id=ticket_id).select_related("policy"))
    return _book(ticket, rows, ticket.sla_policy, {})


def _book(
    ticket: Ticket, rows: list[SlaClock], policy: SlaPolicy | None, last_moved: dict[str, dt.datetime]
) -> ClockBook:
    @cache
    def calendar() -> WorkingCalendar:
        return calendar_for_ticket(ticket)

    def history(target: str) -> list[SlaClockEntry]:
        return list(SlaClockEntry.objects.filter(ticket_id=ticket.pk, target=target).order_by("at", "id"))

    return ClockBook(
        ticket=ticket,
        policy=policy,
        calendar=calendar,
        clocks={row.target: row for row in rows},
        last_moved=dict(last_moved),
        history=history,
    )


def _save(book: ClockBook) -> int:
    """Write one book (a timer's warning or breach)."""
    return _save_many([book])


def _save_many(books: Sequence[ClockBook]) -> int:
    """Write the books' clocks, timelines and ticket columns, re-arm their timers and record the breaches found;
    a fixed number of statements for any number of tickets. How many tickets changed."""
    dirty: list[tuple[ClockBook, list[str]]] = []
    for book in books:
        fields = ticket_sync(book.ticket, book.clocks.values(), book.policy)
        if book.changed or fields:
            dirty.append((book, fields))
    if not dirty:
        return 0
    new = [clock for book, _f in dirty for clock in book.clocks.values() if clock.pk is None]
    old = [c for book, _f in dirty for t, c in book.clocks.items() if c.pk is not None and t in book.changed]
    entries = [entry for book, _f in dirty for entry in book.entries]
    if new:
        SlaClock.objects.bulk_create(new)
    if old:
        SlaClock.objects.bulk_update(old, CLOCK_FIELDS)
    if entries:
        SlaClockEntry.objects.bulk_create(entries)
    columns = sorted({name for _b, fields in dirty for name in fields})
    if columns:
        Ticket.objects.bulk_update([book.ticket for book, fields in dirty if fields], columns)
    sla_timers_set({book.ticket.pk: timer_arms(book.clocks.values(), book.policy) for book, _f in dirty})
    for book, _f in dirty:
        for clock in book.breaches:
            record_event(book.ticket, EventKind.SLA_BREACHED, Actor.system(SYSTEM), changes=_sla_changes(clock))
        book.entries, book.breaches, book.changed = [], [], set()
    return len(dirty)


def sla_timers_set(wanted: dict[int, list[Arm]]) -> None:
    """The SLA timers of many tickets at once (timers_set_many with the "sla:" keys)."""
    timers_set_many(wanted, managed=_is_sla_key, prefix="sla:")


def _is_sla_key(key: str) -> bool:
    return key.startswith("sla:")


def _sla_changes(clock: SlaClock) -> dict[str, list[object]]:
    due = clock.due_at or clock.breached_at
    return {"target": [None, clock.target], "due_at": [None, due.isoformat() if due else None]}


def _statuses_after(ticket: Ticket, events: list[TicketEvent]) -> list[str | None]:
    """The ticket's status code just after each event, read backwards from its current status (every status
    change records its [old, new] codes), so a batch sees each moment's status, not only the last one."""
    current: str | None = ticket.status.code
    after: list[str | None] = []
    for event in reversed(events):
        after.append(current)
        change = event.changes.get("status")
        if change:
            current = change[0]
    return after[::-1]


def _apply(book: ClockBook, event: TicketEvent, status: Status | None, statuses: dict[str, Status]) -> None:
    at = event.created_at
    waiting = (
        _waiting_reason(status) if status is not None and _category(status) == StatusCategory.WAITING_CUSTOMER else ""
    )
    if event.kind == EventKind.CREATED:
        _opened(book, at, waiting)
        return
    message = event.message
    if message is not None and message.kind == MessageKind.REPLY:
        if message.author_kind == AuthorKind.AGENT:
            for target in RESPONSES:
                book.meet(target, at, _("support replied"))
        elif message.author_kind == AuthorKind.CUSTOMER:
            _customer_wrote(book, at, waiting)
    change = event.changes.get("status")
    if change and change[0] != change[1]:
        _status_moved(book, at, statuses.get(change[0] or ""), statuses.get(change[1] or ""))
    if event.kind == EventKind.TRANSFERRED or {"priority", "company"} & set(event.changes):
        book.recompute(at, _recompute_reason(book, event))


def _opened(book: ClockBook, at: dt.datetime, waiting: str) -> None:
    if book.clocks:
        return
    first_response = book.ticket.first_response_at
    if first_response is None or first_response > at:  # an alert is support's own message: nothing to answer
        book.start(SlaTarget.FIRST_RESPONSE, at, _("the ticket was opened"), paused_reason=waiting)
    book.start(SlaTarget.RESOLUTION, at, _("the ticket was opened"), paused_reason=waiting)


def _customer_wrote(book: ClockBook, at: dt.datetime, waiting: str) -> None:
    """The customer wrote after support's last reply: the next response is due (before any reply, the first
    response clock covers it; while one is due, the earlier deadline stands)."""
    first_response = book.ticket.first_response_at
    if first_response is None or first_response >= at:
        return
    clock = book.clocks.get(SlaTarget.NEXT_RESPONSE)
    if clock is not None and (is_active(clock) or clock.started_at >= at):
        return
    book.start(SlaTarget.NEXT_RESPONSE, at, _("the customer wrote"), paused_reason=waiting)


def _status_moved(book: ClockBook, at: dt.datetime, old: Status | None, new: Status | None) -> None:
    was, now = _category(old), _category(new)
    name = new.name if new is not None else ""
    if now == StatusCategory.SOLVED or now == StatusCategory.CLOSED:
        done = _("solved: status %(status)s") if now == StatusCategory.SOLVED else _("closed: status %(status)s")
        book.meet(SlaTarget.RESOLUTION, at, done % {"status": name})
        for target in RESPONSES:
            book.cancel(target, at, _("no reply is due any more: status %(status)s") % {"status": name})
    elif was in (StatusCategory.SOLVED, StatusCategory.CLOSED):
        waiting = _waiting_reason(new) if now == StatusCategory.WAITING_CUSTOMER else ""
        reason = _("reopened: status %(status)s") % {"status": name}
        targets = [SlaTarget.RESOLUTION]
        if book.ticket.first_response_at is None or book.ticket.first_response_at > at:
            targets.insert(0, SlaTarget.FIRST_RESPONSE)
        for target in targets:
            clock = book.clocks.get(target)
            if clock is None or not (is_active(clock) or clock.started_at >= at):
                book.start(target, at, reason, paused_reason=waiting, restart=clock is not None)
    elif now == StatusCategory.WAITING_CUSTOMER and was != StatusCategory.WAITING_CUSTOMER:
        for key in list(book.clocks):
            book.pause(key, at, _waiting_reason(new))
    elif was == StatusCategory.WAITING_CUSTOMER and now is not None:
        for key in list(book.clocks):
            book.resume(key, at, _("back to work: status %(status)s") % {"status": name})


def _category(status: Status | None) -> str | None:
    return status.category if status is not None else None


def _waiting_reason(status: Status | None) -> str:
    return _("waiting for the customer: status %(status)s") % {"status": status.name if status else ""}


def _recompute_reason(book: ClockBook, event: TicketEvent) -> str:
    policy = book.policy.name if book.policy is not None else _("none")
    if "priority" in event.changes:
        return _("deadline recomputed: the priority changed, policy %(policy)s") % {"policy": policy}
    if event.kind == EventKind.TRANSFERRED:
        return _("deadline recomputed: transferred to another line, policy %(policy)s") % {"policy": policy}
    return _("deadline recomputed: policy %(policy)s") % {"policy": policy}


def _target_name(target: str) -> str:
    return str(SlaTarget(target).label).lower()
