"""The SLA report: met and breached clocks by line, plan and assignee, in a period, counted in the database."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext

from otvet.accounts.choices import Role
from otvet.accounts.models import Agent
from otvet.sla.choices import SlaState, SlaTarget
from otvet.sla.models import SlaClock
from otvet.sla.report import Cell, sla_report
from otvet.testing.fixtures import World
from otvet.tickets.models import Line, Ticket
from otvet.tickets.services import ticket_claim

UTC = dt.UTC
START = dt.datetime(2026, 11, 1, tzinfo=UTC)
END = dt.datetime(2026, 12, 1, tzinfo=UTC)
DAY = dt.timedelta(days=1)


def clock(ticket: Ticket, target: str, started: dt.datetime, *, met: bool = False, breached: bool = False) -> None:
    SlaClock.objects.create(
        ticket=ticket,
        target=target,
        started_at=started,
        state=SlaState.BREACHED if breached else (SlaState.MET if met else SlaState.DUE),
        due_at=None if met or breached else started + DAY,
        met_at=started + dt.timedelta(hours=1) if met else None,
        breached_at=started + dt.timedelta(minutes=30) if breached else None,
    )


def test_it_counts_met_and_breached_by_line_plan_and_assignee(world: World, django_assert_num_queries) -> None:
    premium_a, premium_b, basic = world.ticket_customer, world.ticket_colleague, world.ticket_other
    ticket_claim(ticket=premium_a, actor=world.actor("agent"))
    SlaClock.objects.all().delete()
    clock(premium_a, SlaTarget.FIRST_RESPONSE, START + DAY, met=True)
    clock(premium_a, SlaTarget.RESOLUTION, START + DAY, met=True, breached=True)  # met late: still a breach
    clock(premium_b, SlaTarget.FIRST_RESPONSE, START + 2 * DAY, breached=True)
    clock(premium_b, SlaTarget.RESOLUTION, START + 2 * DAY)  # still running: not counted
    clock(basic, SlaTarget.FIRST_RESPONSE, START + 3 * DAY, met=True)
    clock(basic, SlaTarget.RESOLUTION, END + DAY, met=True)  # after the period
    clock(world.ticket_partner, SlaTarget.FIRST_RESPONSE, START - DAY, breached=True)  # before it

    supervisor = world.actor("supervisor")
    with django_assert_num_queries(6):
        report = sla_report(actor=supervisor, start=START, end=END)

    first, resolution = SlaTarget.FIRST_RESPONSE, SlaTarget.RESOLUTION
    assert report.total.cell(first) == Cell(met=2, breached=1)
    assert report.total.cell(first).percent == 67
    assert report.total.cell(resolution) == Cell(met=0, breached=1)
    assert report.total.cell(SlaTarget.NEXT_RESPONSE).percent is None
    line = Line.objects.get(pk=premium_a.line_id).name
    assert [row.label for row in report.by_line] == [line]
    plans = {row.label: (row.cell(first), row.cell(resolution)) for row in report.by_plan}
    assert plans == {"Премиум": (Cell(1, 1), Cell(0, 1)), "Базовый": (Cell(1, 0), Cell(0, 0))}
    agents = {row.label: row.cell(first) for row in report.by_agent}
    agent = world.users["agent"]
    assert agents == {agent.name or agent.email: Cell(1, 0), gettext("Nobody"): Cell(1, 1)}


def test_partner_staff_count_only_their_companies_tickets(world: World) -> None:
    SlaClock.objects.all().delete()
    clock(world.ticket_customer, SlaTarget.FIRST_RESPONSE, START + DAY, met=True)
    clock(world.ticket_partner, SlaTarget.FIRST_RESPONSE, START + DAY, breached=True)
    Agent.objects.filter(user=world.users["partner_agent"]).update(role=Role.SUPERVISOR)
    report = sla_report(actor=world.actor("partner_agent"), start=START, end=END)
    assert report.total.cell(SlaTarget.FIRST_RESPONSE) == Cell(met=0, breached=1)
