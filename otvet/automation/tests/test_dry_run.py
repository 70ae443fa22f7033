"""Trying a rule without changing anything: on one ticket, and replayed over the last days of real history."""

from __future__ import annotations

import datetime as dt

import time_machine

from otvet.automation.dry_run import rule_dry_run, rule_test
from otvet.automation.models import RuleFiring
from otvet.automation.tests.conftest import WEDNESDAY_NOON, drain
from otvet.customers.factories import ContactFactory
from otvet.tickets.access import Actor
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import Status, Tag, Ticket, TicketEvent
from otvet.tickets.services import ticket_change_status, ticket_reply

DAY = dt.timedelta(days=1)
TAG_ON_CUSTOMER_REPLY = {
    "name": "Тег на ответ клиента",
    "kind": "trigger",
    "events": ["customer_replied"],
    "conditions": {"all": [{"field": "status", "op": "eq", "value": "waiting_reply"}]},
    "actions": [{"type": "add_tag", "tag": "ответил"}],
}
IDLE_WAITING = {
    "name": "Ожидает ответа неделю",
    "kind": "timer",
    "anchor": "updated_at",
    "minutes": 7 * 24 * 60,
    "conditions": {"all": [{"field": "status", "op": "eq", "value": "waiting_reply"}]},
    "actions": [{"type": "set_status", "status": "done"}],
}


def _history(agent: Actor) -> dict[str, Ticket]:
    """Three tickets over the last fortnight, worked without any rule."""
    waiting = Status.objects.get(code="waiting_reply")
    tickets = {}
    for name, days_ago in (("idle", 12), ("recent", 3), ("answered", 11)):
        customer = ContactFactory()
        with time_machine.travel(WEDNESDAY_NOON - days_ago * DAY, tick=False):
            ticket = open_ticket(customer, f"Заявка {name}")
            ticket_change_status(ticket=ticket, actor=agent, status=waiting)
        tickets[name] = ticket
    with time_machine.travel(WEDNESDAY_NOON - 6 * DAY, tick=False):  # the customer answers while waiting
        ticket_reply(ticket=tickets["answered"], actor=Actor(contact=tickets["answered"].requester), body="Вот данные")
    with time_machine.travel(WEDNESDAY_NOON - 5 * DAY, tick=False):  # and again, after the status stayed
        ticket_reply(ticket=tickets["answered"], actor=Actor(contact=tickets["answered"].requester), body="Ещё")
    drain()
    return tickets


def test_a_dry_run_counts_where_a_trigger_would_have_fired_and_changes_nothing(db: None) -> None:
    _history(Actor.system("tests"))
    before = TicketEvent.objects.count()
    report = rule_dry_run(data=TAG_ON_CUSTOMER_REPLY, days=30, at=WEDNESDAY_NOON)
    assert (report.fired, report.fired_tickets) == (2, 1)
    assert {sample.subject for sample in report.samples} == {"Заявка answered"}
    assert TicketEvent.objects.count() == before and not Tag.objects.exists() and not RuleFiring.objects.exists()


def test_a_dry_run_of_a_timer_follows_each_tickets_moments(db: None) -> None:
    tickets = _history(Actor.system("tests"))
    report = rule_dry_run(data=IDLE_WAITING, days=30, at=WEDNESDAY_NOON)
    # «idle» waited 12 days: due 5 days ago. «recent» waits 3 days. «answered» moved its last activity 5 days ago.
    assert report.fired == 1
    assert [sample.ticket for sample in report.samples] == [tickets["idle"].pk]
    assert report.samples[0].at == WEDNESDAY_NOON - 12 * DAY + 7 * DAY


def test_a_shorter_window_leaves_out_older_firings(db: None) -> None:
    _history(Actor.system("tests"))
    assert rule_dry_run(data=IDLE_WAITING, days=3, at=WEDNESDAY_NOON).fired == 0


def test_testing_a_rule_on_a_ticket_tells_each_condition(db: None) -> None:
    ticket = open_ticket(ContactFactory(), "Срочно: не работает")
    data = {
        **TAG_ON_CUSTOMER_REPLY,
        "conditions": {"all": [{"field": "subject", "op": "has_word", "value": ["срочно"]},
                               {"field": "status", "op": "eq", "value": "waiting_reply"}]},
    }  # fmt: skip
    result = rule_test(data=data, ticket=ticket, at=WEDNESDAY_NOON)
    assert not result.holds
    assert [check.holds for check in result.checks] == [True, False]
    assert result.actions and result.due_at is None


def test_testing_a_timer_rule_tells_when_it_is_due(db: None) -> None:
    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        ticket = open_ticket(ContactFactory(), "Вопрос")
    result = rule_test(data={**IDLE_WAITING, "anchor": "created_at"}, ticket=ticket, at=WEDNESDAY_NOON)
    assert result.due_at == WEDNESDAY_NOON + 7 * DAY
