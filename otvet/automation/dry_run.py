"""Trying a rule without changing anything: on one ticket now (rule_test), or over the last N days of real
tickets and events (rule_dry_run: «сработало бы 37 раз»). No anchor product has the second."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from otvet.automation.actions import ACTION_LABELS
from otvet.automation.choices import RuleKind
from otvet.automation.conditions import FIELDS, OP_LABELS, Facts, conditions_hold
from otvet.automation.engine import timer_due
from otvet.automation.facts import TICKET_RELATED, ticket_facts
from otvet.automation.models import Rule
from otvet.automation.replay import Segment, replay
from otvet.automation.services import rule_clean
from otvet.automation.triggers import event_triggers
from otvet.core import clock
from otvet.lib.business_time import add_working_time, is_working_time
from otvet.sla.calendars import calendar_for_ticket
from otvet.tickets.models import Status, Ticket, TicketEvent

MAX_TICKETS = 5000
MAX_SAMPLES = 20
MAX_DAYS = 365


@dataclass
class Sample:
    ticket: int
    subject: str
    at: dt.datetime


@dataclass
class DryRun:
    fired: int
    tickets: int
    events: int
    samples: list[Sample]
    truncated: bool
    days: int
    fired_tickets: int = 0


@dataclass
class ConditionCheck:
    text: str
    holds: bool


@dataclass
class RuleTest:
    holds: bool
    checks: list[ConditionCheck]
    actions: list[str]
    due_at: dt.datetime | None
    note: str


def _unsaved_rule(data: dict[str, Any]) -> Rule:
    return Rule(pk=0, **{**rule_clean(data), "is_active": False})


def rule_test(*, data: dict[str, Any], ticket: Ticket, at: dt.datetime | None = None) -> RuleTest:
    """Would the rule fire on `ticket` at `at` (default now), condition by condition, and what would it do."""
    rule = _unsaved_rule(data)
    at = at or clock.now()
    ticket = Ticket.objects.select_related(*TICKET_RELATED).get(pk=ticket.pk)
    facts = ticket_facts(ticket, at)
    checks = [ConditionCheck(text, holds) for text, holds in _leaves(rule.conditions, facts)]
    holds = conditions_hold(rule.conditions, facts)
    actions = [str(ACTION_LABELS[action["type"]]) for action in rule.actions]
    due_at, note = None, ""
    if rule.kind == RuleKind.TIMER:
        due = timer_due(rule, ticket)
        if due is None:
            note = _("The ticket has no moment to count from, so the timer is not running.")
        else:
            due_at = due[0]
            if due_at > at:
                note = _("Not due yet.")
    return RuleTest(holds=holds, checks=checks, actions=actions, due_at=due_at, note=note)


def _leaves(node: dict[str, Any], facts: Facts) -> list[tuple[str, bool]]:
    if not node:
        return []
    if "all" in node or "any" in node:
        return [leaf for item in node.get("all") or node.get("any") or [] for leaf in _leaves(item, facts)]
    label, op, value = FIELDS[node["field"]][1], OP_LABELS[node["op"]], node.get("value", "")
    shown = (
        ", ".join(f"«{item}»" for item in value) if isinstance(value, list) else (f"«{value}»" if value != "" else "")
    )
    text = f"{label}: {op} {shown}".strip()
    return [(text, conditions_hold({"all": [node]}, facts))]


def rule_dry_run(*, data: dict[str, Any], days: int, at: dt.datetime | None = None) -> DryRun:
    """How often the rule would have fired over the last `days` days, replaying real tickets and events."""
    rule = _unsaved_rule(data)
    at = at or clock.now()
    days = max(1, min(int(days), MAX_DAYS))
    since = at - dt.timedelta(days=days)
    candidates = (
        Ticket.objects.filter(Q(updated_at__gte=since) | Q(closed_at__isnull=True) | Q(closed_at__gte=since))
        .filter(created_at__lte=at)
        .order_by("-updated_at")
        .values_list("pk", flat=True)
    )
    ids = list(candidates[: MAX_TICKETS + 1])
    truncated = len(ids) > MAX_TICKETS
    ids = ids[:MAX_TICKETS]
    tickets = Ticket.objects.select_related(*TICKET_RELATED).in_bulk(ids)
    events_by_ticket: dict[int, list[TicketEvent]] = defaultdict(list)
    event_count = 0
    for event in TicketEvent.objects.filter(ticket_id__in=ids).select_related("message").order_by("created_at", "id"):
        events_by_ticket[event.ticket_id].append(event)
        event_count += 1
    categories = dict(Status.objects.values_list("code", "category"))
    report = DryRun(fired=0, tickets=len(ids), events=event_count, samples=[], truncated=truncated, days=days)
    fired_tickets = set()
    for ticket_id in ids:
        ticket = tickets[ticket_id]
        segments = replay(ticket, events_by_ticket[ticket_id], ticket_facts(ticket, at).values, categories)
        moments = (
            _trigger_moments(rule, ticket, segments)
            if rule.kind == RuleKind.TRIGGER
            else _timer_moments(rule, ticket, segments)
        )
        for moment in moments:
            if since <= moment <= at:
                report.fired += 1
                fired_tickets.add(ticket_id)
                if len(report.samples) < MAX_SAMPLES:
                    report.samples.append(Sample(ticket=ticket_id, subject=ticket.subject, at=moment))
    report.fired_tickets = len(fired_tickets)
    report.samples.sort(key=lambda sample: sample.at, reverse=True)
    return report


def _facts(segment: Segment, ticket: Ticket, moment: dt.datetime) -> Facts:
    return Facts(
        values={**segment.values, "event_actor": segment.event.actor_kind if segment.event else None},
        lazy={"within_business_hours": lambda: is_working_time(calendar_for_ticket(ticket), moment)},
    )


def _trigger_moments(rule: Rule, ticket: Ticket, segments: list[Segment]) -> list[dt.datetime]:
    moments = []
    for segment in segments:
        event = segment.event
        if event is None or event.rule_id is not None or not event_triggers(event) & set(rule.events):
            continue
        if conditions_hold(rule.conditions, _facts(segment, ticket, event.created_at)):
            moments.append(event.created_at)
    return moments


def _timer_moments(rule: Rule, ticket: Ticket, segments: list[Segment]) -> list[dt.datetime]:
    """For each episode (value of the anchor), the moment it falls due, if the ticket was still in that episode
    and the conditions held then."""
    moments, seen = [], set()
    delta = dt.timedelta(minutes=rule.minutes or 0)
    calendar = calendar_for_ticket(ticket) if rule.business_time else None
    for segment in segments:
        anchor = segment.anchors.get(rule.anchor)
        if anchor is None or anchor in seen:
            continue
        due = add_working_time(calendar, anchor, delta) if calendar is not None else anchor + delta
        if due < segment.start or (segment.end is not None and due >= segment.end):
            continue
        seen.add(anchor)
        if conditions_hold(rule.conditions, _facts(segment, ticket, due)):
            moments.append(due)
    return moments
