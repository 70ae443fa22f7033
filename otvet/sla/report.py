"""The SLA report for supervisors: clocks met and breached by line, plan and assignee, per target, in a period.

Counted by aggregate queries over SlaClock (one per grouping, served by the clock's report index), never ticket by
ticket. A clock counts in the period its current episode started in: met when it was met in time, breached when
its deadline passed (later meeting it does not undo that); running, paused and cancelled clocks are not counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from otvet.accounts.models import Agent
from otvet.customers.models import Plan
from otvet.sla.choices import SlaTarget
from otvet.sla.models import SlaClock
from otvet.tickets.access import Actor, ticket_scope, tickets_visible_to
from otvet.tickets.models import Line

MET = Q(met_at__isnull=False, breached_at__isnull=True)
BREACHED = Q(breached_at__isnull=False)
TARGETS = list(SlaTarget)


@dataclass(frozen=True)
class Cell:
    """Met and breached clocks of one target in one group."""

    met: int = 0
    breached: int = 0

    @property
    def total(self) -> int:
        return self.met + self.breached

    @property
    def percent(self) -> int | None:
        """The share met in time, in whole percent; None when nothing was counted."""
        return round(100 * self.met / self.total) if self.total else None


@dataclass
class Row:
    label: str
    cells: dict[str, Cell] = field(default_factory=dict)

    def cell(self, target: str) -> Cell:
        return self.cells.get(target, Cell())

    @property
    def by_target(self) -> list[Cell]:
        """The cells in the order of TARGETS (for templates)."""
        return [self.cell(target) for target in TARGETS]


@dataclass
class SlaReport:
    start: dt.datetime
    end: dt.datetime
    total: Row
    by_line: list[Row]
    by_plan: list[Row]
    by_agent: list[Row]

    @property
    def targets(self) -> list[SlaTarget]:
        return TARGETS

    @property
    def groups(self) -> list[tuple[str, list[Row]]]:
        return [
            (_("Overall"), [self.total]),
            (_("By line"), self.by_line),
            (_("By plan"), self.by_plan),
            (_("By assignee"), self.by_agent),
        ]


def sla_report(*, actor: Actor, start: dt.datetime, end: dt.datetime) -> SlaReport:
    """Met and breached clocks whose episode started in [start, end), among the tickets `actor` may see; six
    queries whatever the number of tickets (three counts, three name lookups)."""
    clocks = SlaClock.objects.filter(started_at__gte=start, started_at__lt=end)
    if ticket_scope(actor) is not None:  # partner staff: their companies' tickets only
        clocks = clocks.filter(ticket__in=tickets_visible_to(actor).values("pk"))
    lines = _counts(clocks, "ticket__line_id")
    plans = _counts(clocks, "ticket__company__plan_id")
    agents = _counts(clocks, "ticket__assignee_id")
    line_names = {line.pk: line.name for line in Line.objects.filter(pk__in=[k for k in lines if k is not None])}
    plan_names = {plan.pk: plan.name for plan in Plan.objects.filter(pk__in=[k for k in plans if k is not None])}
    agent_names = {
        agent.pk: agent.user.name or agent.user.email
        for agent in Agent.objects.filter(pk__in=[k for k in agents if k is not None]).select_related("user")
    }
    total = Row(_("All lines"))
    for cells in lines.values():
        for target, cell in cells.items():
            before = total.cell(target)
            total.cells[target] = Cell(before.met + cell.met, before.breached + cell.breached)
    return SlaReport(
        start=start,
        end=end,
        total=total,
        by_line=_rows(lines, line_names, _("Unknown line")),
        by_plan=_rows(plans, plan_names, _("No company")),
        by_agent=_rows(agents, agent_names, _("Nobody")),
    )


def _counts(clocks: QuerySet[SlaClock], group: str) -> dict[int | None, dict[str, Cell]]:
    rows = (
        clocks.order_by()
        .values(group, "target")
        .annotate(met=Count("pk", filter=MET), breached=Count("pk", filter=BREACHED))
        .values_list(group, "target", "met", "breached")
    )
    counts: dict[int | None, dict[str, Cell]] = {}
    for key, target, met, breached in rows:
        if met or breached:
            counts.setdefault(key, {})[target] = Cell(met, breached)
    return counts


def _rows(counts: dict[int | None, dict[str, Cell]], names: dict[int, str], missing: str) -> list[Row]:
    rows = [Row(names.get(key, missing) if key is not None else missing, cells) for key, cells in counts.items()]
    return sorted(rows, key=lambda row: row.label.lower())
