"""The visitor's socket against the project's ASGI routing: messages in, replies and typing out, identity checks."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.core.cache import cache

from otvet.config.asgi import application
from otvet.connectors.choices import DeliveryState
from otvet.connectors.models import ChatWidget, Delivery, InboundMessage
from otvet.connectors.webchat.consumers import CLOSE_FORBIDDEN
from otvet.connectors.webchat.tests.conftest import FRAME_HEADERS
from otvet.connectors.webchat.visitors import visitor_start
from otvet.live.tests.communicator import WebsocketCommunicator
from otvet.tickets.access import actor_for_user
from otvet.tickets.choices import AuthorKind, Channel
from otvet.tickets.models import Message, Ticket
from otvet.tickets.services import ticket_add_note, ticket_reply

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
WITHIN = 2  # seconds


def visitor_socket(widget: ChatWidget, headers: list[tuple[bytes, bytes]] | None = None) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, f"/ws/chat/{widget.key}/", headers=headers or FRAME_HEADERS)


async def next_of(communicator: WebsocketCommunicator, kind: str, timeout: float = WITHIN) -> dict[str, Any]:
    """The next frame of `kind`, skipping others."""
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == kind:
            return frame


async def signed_in(communicator: WebsocketCommunicator, token: str) -> dict[str, Any]:
    assert (await communicator.connect())[0]
    await communicator.send_json_to({"type": "auth", "token": token})
    return await next_of(communicator, "ready")


def test_a_visitor_message_opens_a_ticket_and_the_agents_reply_reaches_the_socket(world, widget) -> None:
    visitor, token = visitor_start(widget=widget, name="Пётр Покупатель")
    chat = visitor_socket(widget)
    agent = actor_for_user(world.users["agent"])

    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        ready = await signed_in(chat, token)
        assert ready["history"] == []
        await chat.send_json_to({"type": "message", "id": "c1-aaaaaaaa", "text": "Где мой заказ 1042?"})
        assert (await next_of(chat, "ack"))["id"] == "c1-aaaaaaaa"
        echo = (await next_of(chat, "message"))["message"]
        ticket = await database_sync_to_async(Ticket.objects.get)(pk=echo["ticket"])
        await database_sync_to_async(ticket_reply)(ticket=ticket, actor=agent, body="Заказ передан в доставку")
        reply = (await next_of(chat, "message"))["message"]
        await chat.disconnect()
        return echo, reply

    echo, reply = async_to_sync(scenario)()
    assert echo["from"] == "visitor" and echo["client_id"] == "c1-aaaaaaaa" and echo["text"] == "Где мой заказ 1042?"
    ticket = Ticket.objects.select_related("requester").get(pk=echo["ticket"])
    assert ticket.channel == Channel.WEBCHAT and ticket.subject == "Где мой заказ 1042?"
    assert ticket.requester.name == "Пётр Покупатель"
    assert reply["from"] == "agent" and reply["text"] == "Заказ передан в доставку"
    delivery = Delivery.objects.get(ticket=ticket, channel=Channel.WEBCHAT)
    assert delivery.state == DeliveryState.SENT and delivery.recipients == [str(visitor.pk)]


def test_typing_shows_both_ways(world, widget, socket_headers) -> None:
    _visitor, token = visitor_start(widget=widget, name="Пётр Покупатель")
    chat = visitor_socket(widget)
    agent_headers = socket_headers(world.users["agent"])

    async def scenario() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        await signed_in(chat, token)
        await chat.send_json_to({"type": "message", "id": "c1-bbbbbbbb", "text": "Здравствуйте"})
        number = (await next_of(chat, "message"))["message"]["ticket"]
        page = WebsocketCommunicator(application, f"/ws/tickets/{number}/", headers=agent_headers)
        assert (await page.connect())[0]
        await next_of(page, "presence")
        assert await chat.receive_nothing(timeout=0.2)  # an agent viewing is not typing
        await page.send_json_to({"type": "typing", "typing": True})
        agent_typing = await next_of(chat, "typing")
        await page.send_json_to({"type": "typing", "typing": False})
        agent_stopped = await next_of(chat, "typing")
        await chat.send_json_to({"type": "typing", "typing": True})
        seen_by_agent = await next_of(page, "presence")
        while not any(viewer["agent_id"] == 0 for viewer in seen_by_agent["viewers"]):  # skip the agent's own
            seen_by_agent = await next_of(page, "presence")
        await page.disconnect()
        await chat.disconnect()
        return agent_typing, agent_stopped, seen_by_agent

    agent_typing, agent_stopped, seen_by_agent = async_to_sync(scenario)()
    assert agent_typing["typing"] is True and agent_stopped["typing"] is False
    visitor_entry = [viewer for viewer in seen_by_agent["viewers"] if viewer["agent_id"] == 0]
    assert visitor_entry == [
        {"sid": visitor_entry[0]["sid"], "agent_id": 0, "name": "Пётр Покупатель", "state": "replying"}
    ]


def test_a_foreign_origin_an_unknown_token_and_another_widgets_token_are_refused(world, widget) -> None:
    other = ChatWidget.objects.create(name="Другой сайт")
    _visitor, other_token = visitor_start(widget=other)
    foreign = visitor_socket(widget, [(b"origin", b"http://localhost"), (b"host", b"testserver")])
    assert async_to_sync(foreign.connect)() == (False, CLOSE_FORBIDDEN)

    async def refused(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
        chat = visitor_socket(widget)
        assert (await chat.connect())[0]
        await chat.send_json_to({"type": "message", "id": "c1-cccccccc", "text": "до входа"})  # ignored
        await chat.send_json_to({"type": "auth", "token": token})
        error = await chat.receive_json_from()
        closed = await chat.receive_output()
        return error, closed

    for token in ("forged-token", other_token):
        error, closed = async_to_sync(refused)(token)
        assert error == {"type": "error", "code": "token"}
        assert closed == {"type": "websocket.close", "code": CLOSE_FORBIDDEN}
    assert not InboundMessage.objects.exists()


def test_a_message_sent_twice_with_one_client_id_is_stored_once(world, widget) -> None:
    _visitor, token = visitor_start(widget=widget)
    chat = visitor_socket(widget)

    async def scenario() -> None:
        await signed_in(chat, token)
        for _attempt in range(2):  # a resend after a reconnect
            await chat.send_json_to({"type": "message", "id": "c1-dddddddd", "text": "Повторяю"})
            await next_of(chat, "ack")
        await chat.disconnect()

    async_to_sync(scenario)()
    assert InboundMessage.objects.filter(channel=Channel.WEBCHAT).count() == 1
    assert list(Message.objects.filter(channel=Channel.WEBCHAT).values_list("body_text", flat=True)) == ["Повторяю"]


def test_a_returning_visitor_sees_their_history_and_the_reply_they_missed(world, widget) -> None:
    _visitor, token = visitor_start(widget=widget, name="Ольга")
    agent = actor_for_user(world.users["agent"])
    first, second = visitor_socket(widget), visitor_socket(widget)

    async def scenario() -> dict[str, Any]:
        await signed_in(first, token)
        await first.send_json_to({"type": "message", "id": "c1-eeeeeeee", "text": "Не работает оплата"})
        number = (await next_of(first, "message"))["message"]["ticket"]
        await first.disconnect()
        return number

    number = async_to_sync(scenario)()
    cache.clear()  # the visitor's heartbeat lapsed: they are offline
    ticket = Ticket.objects.get(pk=number)
    ticket_reply(ticket=ticket, actor=agent, body="Проверьте, пожалуйста, ещё раз")
    ticket_add_note(ticket=ticket, actor=agent, body="Скрытая заметка не видна")
    delivery = Delivery.objects.get(ticket=ticket, channel=Channel.WEBCHAT)
    assert delivery.state == DeliveryState.QUEUED and delivery.last_error
    assert delivery.next_attempt_at is not None and delivery.next_attempt_at > delivery.created_at  # no retry storm

    async def come_back() -> dict[str, Any]:
        ready = await signed_in(second, token)
        await second.disconnect()
        return ready

    ready = async_to_sync(come_back)()
    texts = [(item["from"], item["text"]) for item in ready["history"]]
    assert texts == [("visitor", "Не работает оплата"), ("agent", "Проверьте, пожалуйста, ещё раз")]
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT and delivery.sent_at is not None  # seen on return
    assert Message.objects.filter(ticket=ticket, author_kind=AuthorKind.CUSTOMER).count() == 1
