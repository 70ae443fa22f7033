"""The shipped rules, end to end with frozen time: the routine of the seeds runs by itself."""

from __future__ import annotations

import datetime as dt

import pytest

from otvet.accounts.models import Agent
from otvet.automation.models import Rule, RuleFiring
from otvet.automation.tests.conftest import WEDNESDAY_NOON, drain
from otvet.customers.factories import CompanyFactory, ContactFactory
from otvet.customers.models import Plan
from otvet.sla.models import Calendar
from otvet.testing.fixtures import World
from otvet.tickets.access import Actor
from otvet.tickets.choices import AuthorKind, EventKind, MessageKind, Priority
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import Message, Status, Ticket, TicketEvent
from otvet.tickets.services import ticket_change_status, ticket_claim, ticket_reply, ticket_resolve

MINUTE = dt.timedelta(minutes=1)
pytestmark = pytest.mark.usefixtures("presets")


def _rule_events(ticket: Ticket, preset: str) -> list[TicketEvent]:
    rule = Rule.objects.get(preset=preset)
    return list(TicketEvent.objects.filter(ticket=ticket, rule=rule).order_by("id"))


def _fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_related("status").get(pk=ticket.pk)


def _basic_contact():
    return ContactFactory(company=CompanyFactory(plan=Plan.objects.get(code="basic")))


def test_premium_plan_raises_the_priority_and_says_why(world: World, at) -> None:
    at()
    ticket = open_ticket(world.users["customer"].contact, "Вопрос по отчёту")
    drain()
    ticket = _fresh(ticket)
    assert ticket.priority == Priority.HIGH
    assert "Comfort or Premium" in ticket.priority_reason or "Комфорт" in ticket.priority_reason


def test_the_word_srochno_makes_a_ticket_urgent_but_besplatno_is_not_platno(world: World, at) -> None:
    at()
    urgent = open_ticket(_basic_contact(), "СРОЧНО: не проходят заказы")
    free = open_ticket(_basic_contact(), "Бесплатно ли подключение?")
    paid = open_ticket(_basic_contact(), "Платно: доработка отчёта")
    drain()
    assert _fresh(urgent).priority == Priority.URGENT
    assert _fresh(free).priority == Priority.NORMAL
    assert _fresh(paid).priority == Priority.HIGH


def test_a_ticket_nobody_accepts_for_30_minutes_notifies_the_supervisors(world: World, at) -> None:
    at()
    ticket = open_ticket(_basic_contact(), "Не приходит письмо")
    at(29 * MINUTE)
    assert _rule_events(ticket, "not-accepted-30") == []
    at(31 * MINUTE)
    [event] = _rule_events(ticket, "not-accepted-30")
    assert event.kind == EventKind.NOTIFIED
    at(45 * MINUTE)
    assert len(_rule_events(ticket, "not-accepted-30")) == 1  # once per episode


def test_an_accepted_ticket_is_not_reported_as_unaccepted(world: World, at) -> None:
    at()
    ticket = open_ticket(_basic_contact(), "Не приходит письмо")
    at(5 * MINUTE)
    ticket_claim(ticket=ticket, actor=world.actor("agent"))
    ticket_reply(ticket=ticket, actor=world.actor("agent"), body="Смотрим.")
    at(40 * MINUTE)
    assert _rule_events(ticket, "not-accepted-30") == []


def test_a_claim_without_an_answer_for_16_minutes_goes_back_to_the_queue(world: World, at) -> None:
    at()
    ticket = open_ticket(_basic_contact(), "Не приходит письмо")
    at(2 * MINUTE)
    ticket_claim(ticket=ticket, actor=world.actor("agent"))
    at(16 * MINUTE)
    assert _fresh(ticket).assignee is not None
    at(18 * MINUTE)
    ticket = _fresh(ticket)
    assert ticket.assignee is None
    [event] = _rule_events(ticket, "claimed-not-answered-15")
    assert event.kind == EventKind.RELEASED


def test_a_claim_answered_in_time_stays(world: World, at) -> None:
    at()
    ticket = open_ticket(_basic_contact(), "Не приходит письмо")
    at(MINUTE)
    ticket_claim(ticket=ticket, actor=world.actor("agent"))
    at(10 * MINUTE)
    ticket_reply(ticket=ticket, actor=world.actor("agent"), body="Проверяем настройки.")
    at(30 * MINUTE)
    assert _fresh(ticket).assignee is not None


def test_replies_move_the_status_between_awaiting_reply_and_in_progress(world: World, at) -> None:
    at()
    customer = _basic_contact()
    ticket = open_ticket(customer, "Не приходит письмо")
    at(MINUTE)
    ticket_claim(ticket=ticket, actor=world.actor("agent"))
    ticket_reply(ticket=ticket, actor=world.actor("agent"), body="Пришлите, пожалуйста, адрес.")
    at(2 * MINUTE)
    assert _fresh(ticket).status.code == "waiting_reply"
    ticket_reply(ticket=ticket, actor=Actor(contact=customer), body="ivan@example.org")
    at(3 * MINUTE)
    assert _fresh(ticket).status.code == "in_progress"
    [event] = _rule_events(ticket, "customer-replied")
    assert event.changes["status"] == ["waiting_reply", "in_progress"]


def test_in_progress_for_two_hours_notifies_the_assignee_and_three_hours_the_supervisors(world: World, at) -> None:
    at()
    ticket = open_ticket(_basic_contact(), "Отчёт не строится")
    at(MINUTE)
    ticket_claim(ticket=ticket, actor=world.actor("agent"))  # new → in progress
    ticket_reply(ticket=ticket, actor=world.actor("agent"), body="Разбираемся.")
    in_progress = Status.objects.get(code="in_progress")
    at(2 * MINUTE)
    ticket_change_status(ticket=ticket, actor=world.actor("agent"), status=in_progress)
    at(2 * MINUTE + 119 * MINUTE)
    assert _rule_events(ticket, "in-progress-2h") == []
    at(2 * MINUTE + 121 * MINUTE)
    assert len(_rule_events(ticket, "in-progress-2h")) == 1
    assert _rule_events(ticket, "in-progress-3h") == []
    at(2 * MINUTE + 181 * MINUTE)
    assert len(_rule_events(ticket, "in-progress-3h")) == 1


def test_a_solved_ticket_is_closed_after_three_days(world: World, at) -> None:
    at()
    ticket = open_ticket(_basic_contact(), "Отчёт не строится")
    at(MINUTE)
    ticket_resolve(ticket=ticket, actor=world.actor("agent"), body="Исправили.")
    at(3 * 24 * 60 * MINUTE)
    assert _fresh(ticket).status.code == "done"
    at(3 * 24 * 60 * MINUTE + 2 * MINUTE)
    assert _fresh(ticket).status.code == "closed"


def test_idle_in_testing_for_a_week_awaits_the_reply_then_a_week_later_is_solved(world: World, at) -> None:
    at()
    ticket = open_ticket(_basic_contact(), "Доработка выгрузки")
    at(MINUTE)
    ticket_change_status(ticket=ticket, actor=world.actor("agent"), status=Status.objects.get(code="testing"))
    week = 7 * 24 * 60 * MINUTE
    at(MINUTE + week - MINUTE)
    assert _fresh(ticket).status.code == "testing"
    at(2 * MINUTE + week)
    assert _fresh(ticket).status.code == "waiting_reply"
    at(4 * MINUTE + 2 * week)
    assert _fresh(ticket).status.code == "done"


def test_out_of_hours_a_new_request_gets_the_working_hours_and_a_responsible_agent(world: World, at) -> None:
    duty = Agent.objects.get(user=world.users["agent"])
    duty.schedule = Calendar.objects.get(name="Круглосуточно")
    duty.save()
    Agent.objects.exclude(pk=duty.pk).update(schedule=Calendar.objects.get(is_default=True))
    at(dt.timedelta(hours=16))  # Wednesday 04:00 in Chelyabinsk: nobody but the duty agent works
    ticket = open_ticket(_basic_contact(), "Не работает оплата")
    drain()
    ticket = _fresh(ticket)
    answer = Message.objects.get(ticket=ticket, author_kind=AuthorKind.SYSTEM, kind=MessageKind.REPLY)
    assert "10:00–22:00" in answer.body_text
    assert ticket.assignee_id == duty.pk
    assert ticket.first_response_at is None  # an automatic answer is nobody's first response
    at(dt.timedelta(hours=16 + 7))  # Thursday 11:00: an assignment is not a claim left unanswered
    assert _fresh(ticket).assignee_id == duty.pk


def test_a_request_within_hours_gets_no_automatic_answer(world: World, at) -> None:
    at()
    ticket = open_ticket(_basic_contact(), "Не работает оплата")
    drain()
    assert not Message.objects.filter(ticket=ticket, author_kind=AuthorKind.SYSTEM).exists()
    assert not RuleFiring.objects.filter(ticket=ticket, rule__preset="after-hours").exists()


def test_a_switched_off_rule_does_nothing(world: World, at) -> None:
    Rule.objects.filter(preset="priority-plan").update(is_active=False)
    at()
    ticket = open_ticket(world.users["customer"].contact, "Вопрос по отчёту")
    drain()
    assert _fresh(ticket).priority == Priority.NORMAL


def test_it_starts_at_wednesday_noon_in_chelyabinsk() -> None:
    assert WEDNESDAY_NOON.astimezone(dt.timezone(dt.timedelta(hours=5))).hour == 12
