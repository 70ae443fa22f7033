"""The collision check: a reply is held when the ticket changed behind the agent's back, sent when they insist."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from otvet.core import clock
from otvet.tickets.access import actor_for_user
from otvet.tickets.models import Message, Status
from otvet.tickets.services import ticket_change_status, ticket_reply
from otvet.tickets.services.collision import (
    AGENT_REPLIED,
    CUSTOMER_WROTE,
    STATUS_CHANGED,
    since_parse,
    ticket_changes_since,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_customer_writing_another_agents_reply_and_a_status_change_count_but_ones_own_reply_does_not(world) -> None:
    ticket = world.ticket_customer
    agent, supervisor = actor_for_user(world.users["agent"]), actor_for_user(world.users["supervisor"])
    since = clock.now()
    ticket_reply(ticket=ticket, actor=agent, body="Проверяю, минуту.")
    assert ticket_changes_since(ticket=ticket, since=since, exclude_actor=agent) == []

    ticket_reply(ticket=ticket, actor=actor_for_user(world.users["customer"]), body="Всё ещё не   входит!\nПомогите")
    ticket_reply(ticket=ticket, actor=supervisor, body="Сбросил пароль.")
    waiting = Status.objects.get(category="waiting_customer", is_default=True)
    ticket_change_status(ticket=ticket, actor=supervisor, status=waiting)

    changes = ticket_changes_since(ticket=ticket, since=since, exclude_actor=agent)
    assert [change.kind for change in changes] == [CUSTOMER_WROTE, AGENT_REPLIED, STATUS_CHANGED]
    assert changes[0].detail == "Всё ещё не входит! Помогите"
    assert changes[0].who == world.users["customer"].contact.name
    assert changes[1].who == (world.users["supervisor"].name or world.users["supervisor"].email)
    assert changes[2].detail.endswith(f"→ {waiting.name}")
    # For the supervisor, only what others did counts.
    assert [c.kind for c in ticket_changes_since(ticket=ticket, since=since, exclude_actor=supervisor)] == [
        AGENT_REPLIED,
        CUSTOMER_WROTE,
    ]
    assert ticket_changes_since(ticket=ticket, since=clock.now(), exclude_actor=agent) == []
    assert ticket_changes_since(ticket=ticket, since=None, exclude_actor=agent) == []


def test_the_composer_moment_is_read_strictly() -> None:
    moment = clock.now()
    assert since_parse(moment.isoformat()) == moment
    assert since_parse("2026-11-02T10:00:00") is None  # naive: cannot be compared safely
    assert since_parse("yesterday") is None
    assert since_parse(None) is None


def _agent_client(world, role: str = "agent") -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_the_ticket_page_carries_the_composer_moment_and_the_presence_bar(world) -> None:
    page = _agent_client(world).get(reverse("workspace-ticket", args=[world.ticket_customer.number]))
    html = page.content.decode()
    assert f'data-live-socket="/ws/tickets/{world.ticket_customer.number}/"' in html
    since = re.search(r'name="since" value="([^"]+)"', html)
    assert since is not None and since_parse(since.group(1)) is not None
    assert 'data-live-socket="/ws/desk/"' in html


@pytest.mark.parametrize("action", ["workspace-ticket-reply", "workspace-ticket-resolve"])
def test_a_reply_is_held_when_the_customer_wrote_since_and_sent_when_the_agent_insists(world, action: str) -> None:
    ticket = world.ticket_customer
    client = _agent_client(world)
    since = clock.now().isoformat()
    ticket_reply(ticket=ticket, actor=actor_for_user(world.users["customer"]), body="А теперь другая ошибка: 500")
    url = reverse(action, args=[ticket.number])
    form = {"mode": "reply", "body": "Попробуйте ещё раз войти.", "status": "", "since": since}
    replies = Message.objects.filter(ticket=ticket, author_user=world.users["agent"])

    held = client.post(url, form, **HTMX)
    assert held.status_code == 409
    assert not replies.exists()  # nothing written
    html = held.content.decode()
    assert "А теперь другая ошибка: 500" in html and 'data-live-change="customer_wrote"' in html
    assert 'name="collision" value="override"' in html and f'formaction="{url}"' in html
    assert "Попробуйте ещё раз войти." in html  # the draft is kept

    sent = client.post(url, {**form, "collision": "override"}, **HTMX)
    assert sent.status_code == 200
    assert replies.get().body_text == "Попробуйте ещё раз войти."


def test_a_reply_goes_out_when_nothing_changed_and_a_note_is_never_held(world) -> None:
    ticket = world.ticket_customer
    client = _agent_client(world)
    since = clock.now().isoformat()
    ticket_reply(ticket=ticket, actor=actor_for_user(world.users["customer"]), body="Жду ответа")
    note = client.post(
        reverse("workspace-ticket-note", args=[ticket.number]),
        {"mode": "note", "body": "Коллеги, посмотрите логи", "since": since},
        **HTMX,
    )
    assert note.status_code == 200
    fresh = clock.now().isoformat()
    reply = client.post(
        reverse("workspace-ticket-reply", args=[ticket.number]),
        {"mode": "reply", "body": "Смотрим логи.", "status": "", "since": fresh},
        **HTMX,
    )
    assert reply.status_code == 200
    assert Message.objects.filter(ticket=ticket, author_user=world.users["agent"]).count() == 2


def test_without_javascript_a_held_reply_shows_the_full_page_with_the_changes(world) -> None:
    ticket = world.ticket_customer
    since = clock.now().isoformat()
    ticket_reply(ticket=ticket, actor=actor_for_user(world.users["supervisor"]), body="Я отвечу сам.")
    held = _agent_client(world).post(
        reverse("workspace-ticket-reply", args=[ticket.number]),
        {"mode": "reply", "body": "Здравствуйте!", "status": "", "since": since},
    )
    assert held.status_code == 409
    assert 'data-live-change="agent_replied"' in held.content.decode()
