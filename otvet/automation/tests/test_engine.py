"""The engine: validation, once per episode, failures reported, no cascades, concurrent sweeps, the command."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from otvet.automation.choices import FiringOutcome, TimerState
from otvet.automation.models import Rule, RuleFiring, Timer
from otvet.automation.services import rule_create, rules_export, rules_import
from otvet.automation.tests.conftest import WEDNESDAY_NOON, drain
from otvet.automation.timers import timers_sweep
from otvet.core.errors import InvalidInput, PermissionDenied
from otvet.testing.fixtures import World
from otvet.tickets.access import Actor
from otvet.tickets.choices import EventKind
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import Line, Ticket, TicketEvent

SYSTEM = Actor.system("tests")


def _timer_rule(**overrides: object) -> Rule:
    data = {
        "name": "Тег через 10 минут",
        "kind": "timer",
        "is_active": True,
        "anchor": "created_at",
        "minutes": 10,
        "conditions": {"all": [{"field": "status_category", "op": "in", "value": ["new", "open"]}]},
        "actions": [{"type": "add_tag", "tag": "ждёт"}],
        **overrides,
    }
    return rule_create(actor=SYSTEM, data=data)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "kind": "trigger"}, "name"),
        ({"name": "x", "kind": "sometimes"}, "kind"),
        ({"name": "x", "kind": "trigger", "events": ["never"], "actions": [{"type": "unassign"}]}, "events"),
        ({"name": "x", "kind": "timer", "anchor": "created_at", "minutes": 0, "actions": [{"type": "unassign"}]},
         "minutes"),
        ({"name": "x", "kind": "trigger", "events": ["created"], "actions": []}, "actions"),
        ({"name": "x", "kind": "trigger", "events": ["created"], "actions": [{"type": "set_status", "status": "nope"}]},
         "actions.0.status"),
        ({"name": "x", "kind": "trigger", "events": ["created"], "actions": [{"type": "unassign"}],
          "conditions": {"all": [{"field": "password", "op": "eq", "value": "1"}]}}, "conditions.all.0.field"),
        ({"name": "x", "kind": "trigger", "events": ["created"], "actions": [{"type": "unassign"}],
          "conditions": {"all": [{"field": "priority", "op": "contains", "value": "1"}]}}, "conditions.all.0.op"),
    ],
)  # fmt: skip
def test_an_invalid_rule_is_refused_naming_the_field_and_nothing_is_saved(db: None, data: dict, field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        rule_create(actor=SYSTEM, data=data)
    assert field in error.value.fields
    assert not Rule.objects.exists()


def test_only_supervisors_and_admins_configure_rules(world: World) -> None:
    with pytest.raises(PermissionDenied):
        rule_create(actor=world.actor("agent"), data={"name": "x"})
    rule = _timer_rule()
    assert rule.pk and world.actor("supervisor").is_supervisor


def test_a_timer_fires_once_per_episode_and_again_for_a_new_one(world: World) -> None:
    drain()  # the world's own tickets
    rule = _timer_rule(anchor="last_customer_message_at", actions=[{"type": "add_note", "body": "Ждёт #{number}"}])
    ticket = open_ticket(world.users["other_customer"].contact, "Тест")
    drain()
    timer = Timer.objects.get(ticket=ticket, key=f"rule:{rule.pk}")
    due = timer.due_at
    assert timers_sweep(due - dt.timedelta(seconds=1)) == 0
    assert timers_sweep(due) == 1
    assert timers_sweep(due + dt.timedelta(minutes=5)) == 0
    drain()
    assert RuleFiring.objects.filter(rule=rule, ticket=ticket).count() == 1
    note_event = TicketEvent.objects.get(ticket=ticket, rule=rule)
    assert note_event.kind == EventKind.NOTE_ADDED
    assert note_event.message.body_text == f"Ждёт #{ticket.number}"


def test_a_failing_rule_is_reported_not_skipped(world: World) -> None:
    drain()
    line = Line.objects.get(code="second")
    rule = rule_create(
        actor=SYSTEM,
        data={"name": "Во вторую линию", "kind": "trigger", "is_active": True, "events": ["created"],
              "actions": [{"type": "set_line", "line": "second"}]},
    )  # fmt: skip
    line.is_active = False
    line.save()
    ticket = open_ticket(world.users["other_customer"].contact, "Тест")
    drain()
    rule.refresh_from_db()
    assert rule.error_count == 1 and rule.last_error.startswith("InvalidInput")
    firing = RuleFiring.objects.get(rule=rule, ticket=ticket)
    assert firing.outcome == FiringOutcome.FAILED
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.AUTOMATION_FAILED, rule=rule).exists()


def test_events_caused_by_rules_run_no_trigger_rules(world: World) -> None:
    drain()
    for name, other in (("A", "B"), ("B", "A")):  # each would undo the other forever
        actions = [{"type": "add_tag", "tag": name}, {"type": "remove_tag", "tag": other}]
        data = {"name": name, "kind": "trigger", "is_active": True, "events": ["tagged", "created"], "actions": actions}
        rule_create(actor=SYSTEM, data=data)
    ticket = open_ticket(world.users["other_customer"].contact, "Тест")
    drain()
    assert RuleFiring.objects.filter(ticket=ticket).count() == 2


def test_export_then_import_gives_the_same_rules_switched_off(db: None) -> None:
    _timer_rule(name="Первое")
    exported = rules_export()
    Rule.objects.all().delete()
    [rule] = rules_import(actor=SYSTEM, data=exported)
    assert rule.name == "Первое" and not rule.is_active and rule.conditions == exported[0]["conditions"]


def test_an_import_with_one_bad_rule_imports_none(db: None) -> None:
    good = {"name": "ok", "kind": "trigger", "events": ["created"], "actions": [{"type": "unassign"}]}
    with pytest.raises(InvalidInput) as error:
        rules_import(actor=SYSTEM, data=[good, {**good, "events": []}])
    assert "rules.1.events" in error.value.fields
    assert not Rule.objects.exists()


def test_the_command_fires_what_is_due_at_the_given_moment(world: World) -> None:
    drain()
    rule = _timer_rule()
    ticket = open_ticket(world.users["other_customer"].contact, "Тест")
    drain()
    due = Timer.objects.get(ticket=ticket, key=f"rule:{rule.pk}").due_at
    out = io.StringIO()
    call_command("automation", "run", "--at", due.isoformat(), stdout=out)
    assert "1 timers fired" in out.getvalue()
    assert RuleFiring.objects.filter(rule=rule, ticket=ticket).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_sweeps_fire_each_timer_once(world: World) -> None:
    drain()
    rule = _timer_rule(actions=[{"type": "add_note", "body": "Один раз"}])
    tickets = [open_ticket(world.users["other_customer"].contact, f"Тест {n}") for n in range(12)]
    drain()
    assert Timer.objects.filter(key=f"rule:{rule.pk}", ticket__in=tickets).count() == len(tickets)
    moment = WEDNESDAY_NOON + dt.timedelta(days=400)
    barrier = threading.Barrier(2)
    counts: list[int] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            barrier.wait()
            counts.append(timers_sweep(moment))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    armed = Timer.objects.filter(key=f"rule:{rule.pk}")
    assert armed.count() == armed.filter(state=TimerState.FIRED).count() == 16  # the world's 4 tickets and ours
    for ticket in Ticket.objects.filter(pk__in=[t.pk for t in tickets]):
        assert RuleFiring.objects.filter(rule=rule, ticket=ticket).count() == 1
        assert TicketEvent.objects.filter(rule=rule, ticket=ticket, kind=EventKind.NOTE_ADDED).count() == 1
