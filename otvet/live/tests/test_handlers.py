"""The outbox handler's pushes, and presence bookkeeping without sockets."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from otvet.live import handlers, presence
from otvet.live.presence import REPLYING, VIEWING, Viewer
from otvet.live.publish import QUEUES_GROUP, ticket_group
from otvet.tickets.access import actor_for_user
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import TicketEvent
from otvet.tickets.services import ticket_claim, ticket_reply
from otvet.workspace.pages import nav_context


@pytest.fixture
def published(monkeypatch) -> list[tuple[str, dict[str, Any]]]:
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(handlers, "publish", lambda group, message: sent.append((group, message)))
    return sent


@pytest.mark.django_db
def test_it_publishes_each_tickets_changes_and_the_new_tickets_to_the_queues(world, published) -> None:
    ticket = world.ticket_customer
    ticket_reply(ticket=ticket, actor=actor_for_user(world.users["customer"]), body="Ещё вопрос")
    fresh = open_ticket(world.users["other_customer"].contact, "Новая заявка")
    events = list(TicketEvent.objects.filter(ticket__in=[ticket, fresh]).exclude(kind="created", ticket=ticket))

    handlers.live_events_handler(events)

    groups = [group for group, _ in published]
    assert groups == [ticket_group(ticket.number), ticket_group(fresh.number), QUEUES_GROUP]
    reply = published[0][1]
    assert reply["type"] == "ticket.changed"
    assert [change["kind"] for change in reply["changes"]] == ["customer_wrote"]
    assert published[2][1] == {
        "type": "queues.changed",
        "tickets": [ticket.number, fresh.number],
        "created": [fresh.number],
    }


@pytest.mark.django_db
def test_it_forgets_the_cached_counts_so_a_pushed_refresh_is_right(world, published) -> None:
    agent = actor_for_user(world.users["agent"])
    before = nav_context(agent)["nav_main"]  # cached now
    ticket_claim(ticket=world.ticket_customer, actor=agent)
    handlers.live_events_handler(list(TicketEvent.objects.filter(kind="claimed")))
    mine = dict((queue.key, count) for queue, count in nav_context(agent)["nav_main"])["mine"]
    assert dict((queue.key, count) for queue, count in before)["mine"] == 0
    assert mine == 1


def test_an_entry_without_heartbeat_expires_and_a_heartbeat_reports_the_change(monkeypatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(presence.time, "time", lambda: now[0])
    cache.delete("otvet:live:presence:7")
    presence.presence_join(7, Viewer(sid="a", agent_id=1, name="Анна"))
    presence.presence_join(7, Viewer(sid="b", agent_id=2, name="Борис"))
    viewers, changed = presence.presence_update(7, "b", state=REPLYING)
    assert changed and [(v.name, v.state) for v in viewers] == [("Анна", VIEWING), ("Борис", REPLYING)]
    assert presence.presence_update(7, "b", state=REPLYING)[1] is False  # a plain heartbeat changes nothing

    now[0] += presence.PRESENCE_TTL - 1
    presence.presence_update(7, "b")  # Борис's page is alive; Анна's process died without a goodbye
    now[0] += 2
    viewers, changed = presence.presence_update(7, "b")
    assert changed and [v.name for v in viewers] == ["Борис"]
    assert presence.presence_leave(7, "b") == [] and presence.presence_list(7) == []
