"""The one rules engine: trigger rules on committed events, timer rules on due timers (DESIGN.md §4, §6).

A rule fires at most once per episode: a RuleFiring row (unique per rule, ticket and episode) is written in the
same transaction as the actions, so a second worker, a retried job or a second sweep finds it and does nothing.
Actions run as the rule's actor, so every change they make is an event «by rule …» on the ticket's timeline;
events caused by rules run no trigger rules themselves (no cascades, no loops), but they do re-arm timers.
A rule whose action fails is reported: the firing is kept as failed with the error, the rule counts the error and
keeps its last message for the admin page, the ticket's timeline says so, and the log has the traceback.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import F

from otvet.automation.actions import action_run
from otvet.automation.choices import FiringOutcome, RuleKind
from otvet.automation.conditions import conditions_fields, conditions_hold
from otvet.automation.facts import TICKET_RELATED, ticket_facts
from otvet.automation.models import Rule, RuleFiring, Timer
from otvet.automation.timers import Arm, timers_set_many
from otvet.automation.triggers import event_triggers
from otvet.lib.business_time import add_working_time
from otvet.sla.calendars import calendar_for_ticket
from otvet.tickets.access import Actor
from otvet.tickets.choices import EventKind
from otvet.tickets.models import Ticket, TicketEvent
from otvet.tickets.services.common import record_event

logger = logging.getLogger(__name__)

TIME_DEPENDENT = frozenset({"within_business_hours"})


def rule_actor(rule: Rule) -> Actor:
    return Actor.for_rule(rule.pk, rule.name)


def active_rules(kind: RuleKind) -> list[Rule]:
    return list(Rule.objects.filter(kind=kind, is_active=True).order_by("order", "id"))


def tickets_load(ticket_ids: Iterable[int]) -> dict[int, Ticket]:
    return Ticket.objects.select_related(*TICKET_RELATED).in_bulk(list(set(ticket_ids)))


def rule_fire(rule: Rule, ticket: Ticket, episode: str, at: dt.datetime) -> FiringOutcome | None:
    """Run the rule's actions on the ticket once for `episode`; None when this episode already fired."""
    # Within the caller's transaction (the sweep's, the event job's) no savepoint of its own is needed: the
    # firing row and the actions each have theirs, and every failure is caught below.
    with transaction.atomic(savepoint=False):
        try:
            with transaction.atomic():
                firing = RuleFiring.objects.create(
                    rule=rule, ticket=ticket, episode=episode, outcome=FiringOutcome.DONE, at=at
                )
        except IntegrityError:
            return None
        actor = rule_actor(rule)
        try:
            with transaction.atomic():
                for index, action in enumerate(rule.actions):
                    # Each action locks and re-reads the ticket; later actions see what earlier ones changed.
                    current = ticket if index == 0 else Ticket.objects.select_related(*TICKET_RELATED).get(pk=ticket.pk)
                    action_run(action, current, actor, at)
        except Exception as error:  # an action failed: report it everywhere an admin looks, then carry on
            logger.exception("rule %s «%s» failed on ticket %s", rule.pk, rule.name, ticket.pk)
            _failure_record(rule, ticket, firing, error, at)
            return FiringOutcome.FAILED
        Rule.objects.filter(pk=rule.pk).update(fired_count=F("fired_count") + 1, last_fired_at=at)
    return FiringOutcome.DONE


def _failure_record(rule: Rule, ticket: Ticket, firing: RuleFiring, error: Exception, at: dt.datetime) -> None:
    text = f"{type(error).__name__}: {error}"[:2000]
    firing.outcome, firing.error = FiringOutcome.FAILED, text
    firing.save(update_fields=["outcome", "error"])
    Rule.objects.filter(pk=rule.pk).update(error_count=F("error_count") + 1, last_error=text, last_error_at=at)
    record_event(ticket, EventKind.AUTOMATION_FAILED, rule_actor(rule), note=text)


def triggers_run(events: Sequence[TicketEvent]) -> int:
    """Run the active trigger rules on committed events, in order; how many firings there were."""
    events = [event for event in events if event.rule_id is None and event.kind != EventKind.AUTOMATION_FAILED]
    rules = active_rules(RuleKind.TRIGGER) if events else []
    if not rules:
        return 0
    tickets = tickets_load(event.ticket_id for event in events)
    fired = 0
    for event in events:
        names = event_triggers(event)
        for rule in rules:
            ticket = tickets.get(event.ticket_id)
            # A rule answers what happens after it was switched on or last edited, not a backlog from before.
            if ticket is None or not names.intersection(rule.events) or event.created_at < rule.updated_at:
                continue
            if conditions_hold(rule.conditions, ticket_facts(ticket, event.created_at, event)):
                if rule_fire(rule, ticket, f"event:{event.pk}", event.created_at) is not None:
                    fired += 1
                    tickets.update(tickets_load([ticket.pk]))  # the next rule sees what this one did
    return fired


def timer_due(rule: Rule, ticket: Ticket) -> tuple[dt.datetime, str] | None:
    """When a timer rule is due on a ticket and the episode it counts (its anchor moment); None if no anchor."""
    anchor: dt.datetime | None = getattr(ticket, rule.anchor, None)
    if anchor is None or not rule.minutes:
        return None
    delta = dt.timedelta(minutes=rule.minutes)
    due = add_working_time(calendar_for_ticket(ticket), anchor, delta) if rule.business_time else anchor + delta
    return due, anchor.isoformat()


def timers_arm(tickets: Iterable[Ticket], rules: Sequence[Rule], at: dt.datetime, *, only: Rule | None = None) -> None:
    """Give each ticket the timers of the timer rules that could fire on it: the rule's anchor is set and its
    conditions hold now (conditions on the moment itself are checked when the timer fires). With `only`, just
    that rule's timers are touched (arming one rule over all tickets)."""
    managed: Callable[[str], bool] = _is_rule_key
    if only is not None:
        rules, key = [only], f"rule:{only.pk}"
        managed = key.__eq__
    wanted: dict[int, list[Arm]] = {}
    for ticket in tickets:
        arms = wanted.setdefault(ticket.pk, [])
        for rule in rules:
            due = timer_due(rule, ticket)
            if due is None:
                continue
            if conditions_fields(rule.conditions) & TIME_DEPENDENT or conditions_hold(
                rule.conditions, ticket_facts(ticket, at)
            ):
                arms.append(Arm(key=f"rule:{rule.pk}", due_at=due[0], episode=due[1]))
    timers_set_many(wanted, managed=managed, prefix="rule:")


def _is_rule_key(key: str) -> bool:
    return key.startswith("rule:")


def rule_timers_fire(timers: Sequence[Timer], at: dt.datetime) -> None:
    """Fire claimed rule timers (the "rule" handler in settings.OTVET_TIMER_HANDLERS): each whose rule is on,
    whose ticket still counts from the same moment and whose conditions hold now. A few queries a batch."""
    rules = Rule.objects.filter(kind=RuleKind.TIMER, is_active=True).in_bulk(
        {int(timer.key.split(":", 1)[1]) for timer in timers}
    )
    tickets = tickets_load(timer.ticket_id for timer in timers)
    for timer in timers:
        rule, ticket = rules.get(int(timer.key.split(":", 1)[1])), tickets.get(timer.ticket_id)
        if rule is None or ticket is None:
            continue
        due = timer_due(rule, ticket)
        if due is None or due[1] != timer.episode or due[0] > at:
            continue  # the ticket moved on since it was armed; its event re-arms the timer
        if conditions_hold(rule.conditions, ticket_facts(ticket, at)):
            rule_fire(rule, ticket, f"timer:{timer.episode}", at)
