"""Presence and pushes over real sockets (channels' WebsocketCommunicator against the project's ASGI routing)."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from otvet.config.asgi import application
from otvet.live.consumers import CLOSE_FORBIDDEN
from otvet.live.presence import REPLYING, VIEWING, presence_list
from otvet.live.tests.communicator import WebsocketCommunicator
from otvet.tickets.access import actor_for_user
from otvet.tickets.factories import open_ticket
from otvet.tickets.services import ticket_reply

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PRESENCE_WITHIN = 2  # seconds: the promise for presence changes


def socket_for(headers: list[tuple[bytes, bytes]], path: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, path, headers=headers)


async def next_of(communicator: WebsocketCommunicator, kind: str, timeout: float = PRESENCE_WITHIN) -> dict[str, Any]:
    """The next message of `kind` (skipping others) within `timeout` seconds."""
    while True:
        message = await communicator.receive_json_from(timeout=timeout)
        if message["type"] == kind:
            return message


def states(message: dict[str, Any]) -> dict[str, str]:
    return {viewer["name"]: viewer["state"] for viewer in message["viewers"]}


def test_two_agents_see_each_other_typing_and_leaving(world, socket_headers) -> None:
    number = world.ticket_customer.number
    world.users["agent"].name, world.users["supervisor"].name = "Анна Агентова", "Сергей Старший"
    for role in ("agent", "supervisor"):
        world.users[role].save(update_fields=["name"])
    path = f"/ws/tickets/{number}/"
    anna = socket_for(socket_headers(world.users["agent"]), path)
    sergey = socket_for(socket_headers(world.users["supervisor"]), path)

    async def scenario() -> None:
        assert (await anna.connect())[0]
        hello = await next_of(anna, "hello")
        assert hello["user"] == world.users["agent"].pk and hello["heartbeat"] > 0
        assert states(await next_of(anna, "presence")) == {"Анна Агентова": VIEWING}

        assert (await sergey.connect())[0]
        assert states(await next_of(sergey, "presence")) == {"Анна Агентова": VIEWING, "Сергей Старший": VIEWING}
        assert states(await next_of(anna, "presence")) == {"Анна Агентова": VIEWING, "Сергей Старший": VIEWING}

        await sergey.send_json_to({"type": "typing", "typing": True})
        assert states(await next_of(anna, "presence"))["Сергей Старший"] == REPLYING
        await sergey.send_json_to({"type": "typing", "typing": False})
        assert states(await next_of(anna, "presence"))["Сергей Старший"] == VIEWING

        await sergey.disconnect()
        assert states(await next_of(anna, "presence")) == {"Анна Агентова": VIEWING}
        await anna.disconnect()

    async_to_sync(scenario)()
    assert presence_list(number) == []  # the last socket to leave empties the ticket's entry


@pytest.mark.parametrize(
    ("role", "ticket"),
    [
        ("customer", "ticket_customer"),  # a customer, even on their own ticket
        ("company_admin", "ticket_colleague"),
        ("partner_agent", "ticket_customer"),  # an agent outside the ticket's scope
        ("agent", "ticket_partner"),  # a platform agent on a partner's own line
    ],
)
def test_anyone_but_an_agent_in_scope_is_refused(world, socket_headers, role: str, ticket: str) -> None:
    number = getattr(world, ticket).number
    communicator = socket_for(socket_headers(world.users[role]), f"/ws/tickets/{number}/")
    assert async_to_sync(communicator.connect)() == (False, CLOSE_FORBIDDEN)
    assert presence_list(number) == []


def test_an_anonymous_socket_a_foreign_origin_and_a_missing_ticket_are_refused(world, socket_headers) -> None:
    number = world.ticket_customer.number
    anonymous = socket_for([(b"origin", b"http://testserver")], f"/ws/tickets/{number}/")
    assert async_to_sync(anonymous.connect)() == (False, CLOSE_FORBIDDEN)
    cookie = [header for header in socket_headers(world.users["agent"]) if header[0] == b"cookie"]
    foreign = socket_for([(b"origin", b"https://evil.example"), *cookie], f"/ws/tickets/{number}/")
    assert async_to_sync(foreign.connect)()[0] is False
    missing = socket_for(socket_headers(world.users["agent"]), "/ws/tickets/999999/")
    assert async_to_sync(missing.connect)() == (False, CLOSE_FORBIDDEN)
    desk = socket_for([(b"origin", b"http://testserver")], "/ws/desk/")
    assert async_to_sync(desk.connect)() == (False, CLOSE_FORBIDDEN)


def test_a_customer_reply_reaches_the_open_ticket_page_as_a_collision(world, socket_headers) -> None:
    ticket = world.ticket_customer
    customer = actor_for_user(world.users["customer"])
    page = socket_for(socket_headers(world.users["agent"]), f"/ws/tickets/{ticket.number}/")

    async def scenario() -> dict[str, Any]:
        assert (await page.connect())[0]
        await next_of(page, "presence")
        # The real path: the service commits, the outbox runs its handlers (HUEY_IMMEDIATE), ours publishes.
        await database_sync_to_async(ticket_reply)(ticket=ticket, actor=customer, body="Есть новости?")
        changed = await next_of(page, "changed")
        await page.disconnect()
        return changed

    changed = async_to_sync(scenario)()
    assert [change["kind"] for change in changed["changes"]] == ["customer_wrote"]
    assert changed["changes"][0]["actor_kind"] == "customer"
    assert changed["actors"] == [world.users["customer"].pk]


def test_a_new_ticket_notifies_agents_whose_lines_hold_it_and_refreshes_every_sidebar(world, socket_headers) -> None:
    agent = socket_for(socket_headers(world.users["agent"]), "/ws/desk/")
    partner_agent = socket_for(socket_headers(world.users["partner_agent"]), "/ws/desk/")
    contact = world.users["customer"].contact

    async def scenario() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        assert (await agent.connect())[0] and (await partner_agent.connect())[0]
        ticket = await database_sync_to_async(open_ticket)(contact, "Не приходит счёт")
        seen_by_agent = [await next_of(agent, "counts"), await next_of(agent, "new_ticket")]
        seen_by_partner = [await next_of(partner_agent, "counts")]
        assert await partner_agent.receive_nothing(timeout=0.3)  # not theirs: no subject, no notification
        await agent.disconnect()
        await partner_agent.disconnect()
        assert ticket.number in seen_by_agent[0]["tickets"]
        return seen_by_agent, seen_by_partner

    seen_by_agent, _ = async_to_sync(scenario)()
    assert seen_by_agent[1]["subject"] == "Не приходит счёт"
