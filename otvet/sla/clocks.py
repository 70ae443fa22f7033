"""A ticket's SLA clocks in memory: started, paused, resumed, met, cancelled, restarted and recomputed, each step
written down as a timeline entry. The services load a book, apply events to it and save what changed.

A clock runs while its `due_at` is set; it is paused while `state` is paused (what is left kept in
`remaining_seconds`); otherwise it is stopped: met (`met_at`), cancelled, or stopped after a breach. `breached_at`
stays set once a clock of the episode was late, so that the report counts it whatever came after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from otvet.automation.timers import Arm
from otvet.lib.business_time import WorkingCalendar, add_working_time, working_time_between
from otvet.sla.choices import ClockEntryKind, SlaState, SlaTarget
from otvet.sla.models import SlaClock, SlaClockEntry, SlaPolicy
from otvet.tickets.models import Ticket

DUE_COLUMNS = {
    SlaTarget.FIRST_RESPONSE: "first_response_due_at",
    SlaTarget.NEXT_RESPONSE: "next_response_due_at",
    SlaTarget.RESOLUTION: "resolution_due_at",
}
TICKET_COLUMNS = ["sla_policy", "sla_state", "sla_due_at", *DUE_COLUMNS.values()]
# Entries an event wrote: a later event moves a clock only if it is not older than these (the timer's warnings
# and breaches do not count: a reply that was processed late still meets the clock it answered).
EVENT_KINDS = frozenset(
    {
        ClockEntryKind.STARTED,
        ClockEntryKind.PAUSED,
        ClockEntryKind.RESUMED,
        ClockEntryKind.MET,
        ClockEntryKind.RESTARTED,
        ClockEntryKind.CANCELLED,
    }
)


def is_running(clock: SlaClock) -> bool:
    return clock.due_at is not None and clock.met_at is None


def is_paused(clock: SlaClock) -> bool:
    return clock.state == SlaState.PAUSED


def is_active(clock: SlaClock) -> bool:
    """Running or paused: the clock still waits for its target to be met."""
    return is_running(clock) or is_paused(clock)


@dataclass
class ClockBook:
    """The clocks of one locked ticket and what happened to them since they were loaded."""

    ticket: Ticket
    policy: SlaPolicy | None
    calendar: Callable[[], WorkingCalendar]  # asked only when business time is counted
    clocks: dict[str, SlaClock] = field(default_factory=dict)
    # The latest moment an event moved each clock (see EVENT_KINDS), from the stored timeline and this book.
    last_moved: dict[str, dt.datetime] = field(default_factory=dict)
    entries: list[SlaClockEntry] = field(default_factory=list)
    changed: set[str] = field(default_factory=set)
    breaches: list[SlaClock] = field(default_factory=list)  # found late while applying events: events to record
    history: Callable[[str], list[SlaClockEntry]] | None = None  # the stored timeline of a target, for recompute

    # Time arithmetic: working time of the ticket's calendar, or plain time when the policy says so.
    def add(self, start: dt.datetime, seconds: float) -> dt.datetime:
        delta = dt.timedelta(seconds=max(seconds, 0))
        if self.policy is None or not self.policy.business_time:
            return start + delta
        return add_working_time(self.calendar(), start, delta)

    def between(self, start: dt.datetime, end: dt.datetime) -> float:
        if end <= start:
            return 0.0
        if self.policy is None or not self.policy.business_time:
            return (end - start).total_seconds()
        return working_time_between(self.calendar(), start, end).total_seconds()

    def may_move(self, target: str, at: dt.datetime) -> bool:
        """Whether an event at `at` is not older than the last event that moved this clock (replays are no-ops)."""
        last = self.last_moved.get(target)
        return last is None or at >= last

    def note(self, clock: SlaClock, kind: ClockEntryKind, at: dt.datetime, reason: str) -> None:
        self.entries.append(
            SlaClockEntry(
                ticket_id=self.ticket.pk, target=clock.target, kind=kind, at=at, due_at=clock.due_at, reason=reason
            )
        )
        if kind in EVENT_KINDS:
            self.last_moved[clock.target] = max(at, self.last_moved.get(clock.target, at))
        self.changed.add(clock.target)

    def target_seconds(self, target: str) -> int | None:
        minutes = self.policy.minutes_for(target) if self.policy is not None else None
        return minutes * 60 if minutes else None

    # The steps. Each checks the clock's state first, so that applying the same event twice changes nothing.
    def start(
        self, target: str, at: dt.datetime, reason: str, *, paused_reason: str = "", restart: bool = False
    ) -> None:
        """Start (or, for a new episode, restart) a clock at `at`; it starts paused when `paused_reason` is given."""
        seconds = self.target_seconds(target)
        if seconds is None:
            return
        clock = self.clocks.get(target)
        if clock is None:
            clock = self.clocks[target] = SlaClock(ticket_id=self.ticket.pk, target=target)
        clock.policy = self.policy
        clock.started_at = at
        clock.warned_at = clock.breached_at = clock.met_at = None
        clock.state, clock.due_at, clock.remaining_seconds, clock.paused_at = (
            SlaState.DUE,
            self.add(at, seconds),
            None,
            None,
        )
        self.note(clock, ClockEntryKind.RESTARTED if restart else ClockEntryKind.STARTED, at, reason)
        if paused_reason:
            self.pause(target, at, paused_reason)

    def pause(self, target: str, at: dt.datetime, reason: str) -> None:
        clock = self.clocks.get(target)
        if clock is None or not is_running(clock) or not self.may_move(target, at):
            return
        assert clock.due_at is not None
        self.catch_up_breach(clock, at)
        clock.remaining_seconds = round(self.between(at, clock.due_at))
        clock.state, clock.paused_at, clock.due_at = SlaState.PAUSED, at, None
        self.note(clock, ClockEntryKind.PAUSED, at, reason)

    def resume(self, target: str, at: dt.datetime, reason: str) -> None:
        clock = self.clocks.get(target)
        if clock is None or not is_paused(clock) or not self.may_move(target, at):
            return
        clock.due_at = self.add(at, clock.remaining_seconds or 0)
        clock.state = SlaState.BREACHED if clock.breached_at else SlaState.DUE
        clock.paused_at = clock.remaining_seconds = clock.warned_at = None
        self.note(clock, ClockEntryKind.RESUMED, at, reason)

    def meet(self, target: str, at: dt.datetime, reason: str) -> None:
        clock = self.clocks.get(target)
        if clock is None or not is_active(clock) or at < clock.started_at or not self.may_move(target, at):
            return
        self.catch_up_breach(clock, at)
        clock.met_at = at
        self._stop(clock, SlaState.MET)
        self.note(clock, ClockEntryKind.MET, at, reason)

    def cancel(self, target: str, at: dt.datetime, reason: str) -> None:
        clock = self.clocks.get(target)
        if clock is None or not is_active(clock) or not self.may_move(target, at):
            return
        self.catch_up_breach(clock, at)
        self._stop(clock, SlaState.NONE)
        self.note(clock, ClockEntryKind.CANCELLED, at, reason)

    def _stop(self, clock: SlaClock, state: SlaState) -> None:
        clock.state = SlaState.BREACHED if clock.breached_at else state
        clock.due_at = clock.paused_at = clock.remaining_seconds = None

    def catch_up_breach(self, clock: SlaClock, at: dt.datetime) -> None:
        """A running clock whose deadline passed before `at` was breached then, even if no sweep has said so yet."""
        if is_running(clock) and clock.breached_at is None and clock.due_at is not None and clock.due_at <= at:
            clock.breached_at, clock.state = clock.due_at, SlaState.BREACHED
            self.entries.append(
                SlaClockEntry(
                    ticket_id=self.ticket.pk,
                    target=clock.target,
                    kind=ClockEntryKind.BREACHED,
                    at=clock.due_at,
                    due_at=clock.due_at,
                    reason=breach_reason(clock.target),
                )
            )
            self.breaches.append(clock)
            self.changed.add(clock.target)

    def recompute(self, at: dt.datetime, reason: str) -> None:
        """New targets (priority, plan or line changed): each active clock keeps the time it has already run."""
        for target, clock in self.clocks.items():
            if not is_active(clock) or not self.may_move(target, at):
                continue
            seconds = self.target_seconds(target)
            if seconds is None:
                self.cancel(target, at, reason)
                continue
            due, remaining = self.replay(clock, seconds, at)
            if due == clock.due_at and remaining == clock.remaining_seconds and clock.policy_id == _pk(self.policy):
                continue
            clock.policy = self.policy
            clock.due_at, clock.remaining_seconds, clock.warned_at = due, remaining, None
            if due is not None and clock.breached_at is None and due <= at:
                self.catch_up_breach(clock, at)
            self.note(clock, ClockEntryKind.RESTARTED, at, reason)

    def replay(self, clock: SlaClock, seconds: int, at: dt.datetime) -> tuple[dt.datetime | None, int | None]:
        """The due moment (running) or the time left (paused) of `clock` under a target of `seconds`, from the
        stretches it has run since its episode started (its timeline's pauses and resumptions)."""
        stored = self.history(clock.target) if self.history is not None else []
        timeline = sorted(
            [e for e in [*stored, *self.entries] if e.target == clock.target and e.at >= clock.started_at],
            key=lambda e: e.at,
        )
        stretches: list[tuple[dt.datetime, dt.datetime]] = []
        opened: dt.datetime | None = clock.started_at
        for entry in timeline:
            if entry.kind == ClockEntryKind.PAUSED and opened is not None:
                stretches.append((opened, entry.at))
                opened = None
            elif entry.kind == ClockEntryKind.RESUMED and opened is None:
                opened = entry.at
        used = 0.0
        for start, end in stretches:
            span = self.between(start, end)
            if used + span >= seconds:  # the new target ran out during this stretch: due then, in the past
                due = self.add(start, seconds - used)
                return (due, None) if is_running(clock) else (None, 0)
            used += span
        if is_paused(clock) or opened is None:
            return None, round(seconds - used)
        return self.add(opened, seconds - used), None


def _pk(policy: SlaPolicy | None) -> int | None:
    return policy.pk if policy is not None else None


def breach_reason(target: str) -> str:
    return _("the %(target)s deadline passed") % {"target": str(SlaTarget(target).label).lower()}


def ticket_state(clocks: Iterable[SlaClock]) -> tuple[SlaState, dt.datetime | None]:
    """The ticket's SLA badge and nearest running deadline: breached if a running clock is late, else due, else
    paused, else (every clock stopped) breached if one was late, met if one was met, else none."""
    clocks = list(clocks)
    running = [c for c in clocks if is_running(c)]
    nearest = min((c.due_at for c in running if c.due_at is not None), default=None)
    if any(c.breached_at is not None for c in running):
        return SlaState.BREACHED, nearest
    if running:
        return SlaState.DUE, nearest
    if any(is_paused(c) for c in clocks):
        return SlaState.PAUSED, None
    if any(c.breached_at is not None for c in clocks):
        return SlaState.BREACHED, None
    if any(c.met_at is not None for c in clocks):
        return SlaState.MET, None
    return SlaState.NONE, None


def ticket_sync(ticket: Ticket, clocks: Iterable[SlaClock], policy: SlaPolicy | None) -> list[str]:
    """Mirror the clocks into the ticket's columns; the names of the columns that changed."""
    clocks = list(clocks)
    by_target = {c.target: c for c in clocks}
    values: dict[str, object] = {"sla_policy_id": _pk(policy)}
    values["sla_state"], values["sla_due_at"] = ticket_state(clocks)
    for target, column in DUE_COLUMNS.items():
        clock = by_target.get(target)
        values[column] = clock.due_at if clock is not None and is_running(clock) else None
    changed = []
    for name, value in values.items():
        if getattr(ticket, name) != value:
            setattr(ticket, name, value)
            changed.append(name.removesuffix("_id"))
    return changed


def timer_arms(clocks: Iterable[SlaClock], policy: SlaPolicy | None) -> list[Arm]:
    """The timers the running clocks need: a warning `warn_before_minutes` ahead (when that falls after the clock
    started) and the breach at the deadline. The episode is the deadline, so a moved deadline fires again."""
    arms = []
    for clock in clocks:
        if not is_running(clock) or clock.breached_at is not None or clock.due_at is None:
            continue
        episode = clock.due_at.isoformat()
        arms.append(Arm(key=f"sla:{clock.target}:breach", due_at=clock.due_at, episode=episode))
        governing = clock.policy or policy
        warn_minutes = governing.warn_before_minutes if governing is not None else 0
        warn_at = clock.due_at - dt.timedelta(minutes=warn_minutes)
        if warn_minutes and warn_at > clock.started_at:
            arms.append(Arm(key=f"sla:{clock.target}:warn", due_at=warn_at, episode=episode))
    return arms


def duration_text(delta: dt.timedelta) -> str:
    """A short span in words for badges and reasons: "25 min", "2 h 5 min", "3 d"."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return _("%(n)s min") % {"n": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours >= 24:
        return (
            _("%(d)s d %(h)s h") % {"d": hours // 24, "h": hours % 24}
            if hours % 24
            else _("%(d)s d") % {"d": hours // 24}
        )
    if minutes:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    return _("%(h)s h") % {"h": hours}
