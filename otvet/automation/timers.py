"""Timers: arming and disarming the deadline rows of a ticket, and claiming the due ones (STYLE.md rule 6).

A timer row is keyed by ticket and purpose: "rule:<id>" for a timer rule, "sla:<target>:<warn|breach>" for SLA
clocks. Its episode names what it counts from (the anchor moment); arming with the same episode leaves a fired
row fired, so each episode fires once, whatever the number of re-arms, workers or sweeps.

Claiming is a conditional UPDATE (`state = pending AND due_at <= at`): of several sweepers only the one whose
UPDATE changed a row acts on it. Handlers by key prefix are in settings.OTVET_TIMER_HANDLERS; each takes the
claimed timers of its prefix and the moment.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from otvet.automation.choices import TimerState
from otvet.automation.models import Timer

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500


@dataclass(frozen=True)
class Arm:
    """A timer a ticket should have: fire at `due_at`, for the episode `episode`."""

    key: str
    due_at: dt.datetime
    episode: str


def timers_set(ticket_id: int, wanted: Iterable[Arm], *, managed: Callable[[str], bool], prefix: str = "") -> None:
    """Make the ticket's timers whose keys `managed` accepts exactly `wanted` (see timers_set_many)."""
    timers_set_many({ticket_id: list(wanted)}, managed=managed, prefix=prefix)


def timers_set_many(wanted: Mapping[int, Iterable[Arm]], *, managed: Callable[[str], bool], prefix: str = "") -> None:
    """For each ticket of `wanted`, make its timers whose keys start with `prefix` and that `managed` accepts
    exactly the wanted ones: new ones are created, changed episodes re-armed as pending, unchanged ones left
    alone (a fired one stays fired), others deleted. Three statements, plus one per re-armed timer."""
    existing = {
        (timer.ticket_id, timer.key): timer
        for timer in Timer.objects.filter(ticket_id__in=list(wanted), key__startswith=prefix)
        if managed(timer.key)
    }
    wanted_by_key = {(ticket_id, arm.key): arm for ticket_id, arms in wanted.items() for arm in arms}
    stale = [timer.pk for key, timer in existing.items() if key not in wanted_by_key]
    if stale:
        Timer.objects.filter(pk__in=stale).delete()
    create = []
    for (ticket_id, key), arm in wanted_by_key.items():
        timer = existing.get((ticket_id, key))
        if timer is None:
            create.append(Timer(ticket_id=ticket_id, key=key, due_at=arm.due_at, episode=arm.episode))
        elif timer.episode != arm.episode or (timer.state == TimerState.PENDING and timer.due_at != arm.due_at):
            Timer.objects.filter(pk=timer.pk).update(
                due_at=arm.due_at, episode=arm.episode, state=TimerState.PENDING, fired_at=None
            )
    if create:
        Timer.objects.bulk_create(create, ignore_conflicts=True)


def timers_due(at: dt.datetime, limit: int = SWEEP_BATCH) -> list[Timer]:
    """Pending timers due by `at`, oldest first (served by the partial index timer_due)."""
    return list(Timer.objects.filter(state=TimerState.PENDING, due_at__lte=at).order_by("due_at", "id")[:limit])


def timer_claim(timer: Timer, at: dt.datetime) -> bool:
    """Mark one due timer fired; True only for the one caller whose conditional UPDATE changed the row."""
    claimed = Timer.objects.filter(pk=timer.pk, state=TimerState.PENDING, due_at__lte=at, episode=timer.episode).update(
        state=TimerState.FIRED, fired_at=at
    )
    return claimed == 1


TimerHandler = Callable[[Sequence[Timer], dt.datetime], None]


@cache
def timer_handlers() -> dict[str, TimerHandler]:
    return {prefix: import_string(path) for prefix, path in settings.OTVET_TIMER_HANDLERS.items()}


def timers_sweep(at: dt.datetime) -> int:
    """Fire every timer due by `at`; how many fired. The work is proportional to what is due.

    A batch is claimed and handled in one transaction: the rows are picked with SKIP LOCKED (PostgreSQL; SQLite's
    IMMEDIATE transactions serialise sweepers instead) and marked by a conditional UPDATE (still pending, still
    due), so two sweepers never take the same timer, and a crash before commit leaves the batch pending for the
    next sweep. Handlers get their timers together, so that a batch costs a few queries, not a few per timer;
    what each does is idempotent besides (a rule fires once per episode).
    """
    fired = 0
    handlers = timer_handlers()
    while True:
        with transaction.atomic():
            batch = list(
                Timer.objects.select_for_update(skip_locked=True)
                .filter(state=TimerState.PENDING, due_at__lte=at)
                .order_by("due_at", "id")[:SWEEP_BATCH]
            )
            if not batch:
                return fired
            claimed = Timer.objects.filter(
                pk__in=[timer.pk for timer in batch], state=TimerState.PENDING, due_at__lte=at
            ).update(state=TimerState.FIRED, fired_at=at)
            if claimed != len(batch):  # another sweeper got there between our read and our update: start over
                transaction.set_rollback(True)
                continue
            for prefix, timers in _by_prefix(batch).items():
                handler = handlers.get(prefix)
                if handler is None:
                    logger.error("no handler for %s timers (%s of them)", prefix, len(timers))
                    continue
                handler(timers, at)
        fired += len(batch)
        if len(batch) < SWEEP_BATCH:
            return fired


def _by_prefix(timers: Iterable[Timer]) -> dict[str, list[Timer]]:
    groups: dict[str, list[Timer]] = {}
    for timer in timers:
        groups.setdefault(timer.key.split(":", 1)[0], []).append(timer)
    return groups


def timer_keys(ticket_ids: Sequence[int], prefix: str) -> dict[int, list[Timer]]:
    """The timers of some tickets whose key starts with `prefix`, by ticket (for display)."""
    by_ticket: dict[int, list[Timer]] = {}
    for timer in Timer.objects.filter(ticket_id__in=list(ticket_ids), key__startswith=prefix):
        by_ticket.setdefault(timer.ticket_id, []).append(timer)
    return by_ticket
