"""/ws/chat/<widget key>/: a visitor's live chat. The first frame carries the visitor's token (never the URL, which
servers log); history comes back, then messages both ways, typing both ways, and agents' replies as pushed."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from otvet.connectors.models import ChatVisitor, ChatWidget
from otvet.connectors.webchat.process import visitor_message_store, widget_for_key
from otvet.connectors.webchat.visitors import (
    chat_history,
    origin_allowed,
    visitor_contact,
    visitor_for_token,
    visitor_group,
    visitor_seen,
)
from otvet.core.errors import ServiceError
from otvet.live.presence import REPLYING, Viewer, presence_join, presence_leave
from otvet.live.publish import ticket_group, web_loop_remember
from otvet.tickets.models import Ticket

CLOSE_FORBIDDEN = 4403
HANDLED = ("chat.message", "presence.changed")
HEARTBEAT_SECONDS = 20  # the widget pings this often (static/webchat/chat.js); settings.WEBCHAT_ONLINE_SECONDS > it


def _headers(scope: dict[str, Any]) -> dict[str, str]:
    return {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}


def _open_ticket(visitor: ChatVisitor) -> int | None:
    """The visitor's latest open web-chat ticket: where their typing shows and whose agents' typing they see."""
    contact = visitor_contact(visitor)
    if contact is None:
        return None
    tickets = Ticket.objects.filter(requester=contact, channel="webchat").select_related("status")
    latest = tickets.order_by("-updated_at", "-number").first()
    return latest.number if latest is not None and latest.is_open else None


class VisitorConsumer(AsyncJsonWebsocketConsumer):
    """One visitor's chat socket; agents' typing comes from the ticket's presence group, replies from their own."""

    widget: ChatWidget | None = None
    visitor: ChatVisitor | None = None
    ticket: int | None = None
    typing: bool = False
    agents_typing: bool = False

    async def connect(self) -> None:
        web_loop_remember()
        headers = _headers(self.scope)
        self.widget = await database_sync_to_async(widget_for_key)(self.scope["url_route"]["kwargs"]["key"])
        if self.widget is None or not origin_allowed(self.widget, headers.get("origin", ""), headers.get("host", "")):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.visitor is None:
            return
        await self._typing(False)
        await self.channel_layer.group_discard(visitor_group(self.visitor.pk), self.channel_name)
        if self.ticket is not None:
            await self.channel_layer.group_discard(ticket_group(self.ticket), self.channel_name)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Groups we listen to carry kinds meant for agents' pages too: the ones we have no handler for are skipped."""
        if message["type"].startswith("websocket.") or message["type"] in HANDLED:
            await super().dispatch(message)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if self.visitor is None:
            if kind == "auth":
                await self._auth(str(content.get("token") or ""))
            return
        if kind == "message":
            await self._message(content)
        elif kind == "typing":
            await self._typing(bool(content.get("typing")))
        elif kind == "ping":
            await database_sync_to_async(visitor_seen)(self.visitor)

    async def _auth(self, token: str) -> None:
        assert self.widget is not None
        visitor = await database_sync_to_async(visitor_for_token)(self.widget, token)
        if visitor is None:
            await self.send_json({"type": "error", "code": "token"})
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.visitor = visitor
        await self.channel_layer.group_add(visitor_group(visitor.pk), self.channel_name)
        await database_sync_to_async(visitor_seen)(visitor)
        history = await database_sync_to_async(chat_history)(visitor)
        await self._follow(await database_sync_to_async(_open_ticket)(visitor))
        await self.send_json({"type": "ready", "history": history, "heartbeat": HEARTBEAT_SECONDS})

    async def _message(self, content: dict[str, Any]) -> None:
        assert self.visitor is not None
        client_id = str(content.get("id") or "")
        files = content.get("files") if isinstance(content.get("files"), list) else []
        try:
            await database_sync_to_async(visitor_message_store)(
                visitor=self.visitor, client_id=client_id, text=str(content.get("text") or ""), files=files
            )
        except ServiceError as error:
            await self.send_json({"type": "error", "id": client_id, "message": str(error)})
            return
        await self._typing(False)
        await self.send_json({"type": "ack", "id": client_id})

    async def _typing(self, typing: bool) -> None:
        """The visitor shows on the ticket's presence bar while typing, and leaves it when they stop."""
        if typing == self.typing or self.ticket is None or self.visitor is None:
            return
        self.typing = typing
        if typing:
            name = self.visitor.name or self.visitor.identity
            viewer = Viewer(sid=self.channel_name, agent_id=0, name=name, state=REPLYING)
            viewers = await sync_to_async(presence_join)(self.ticket, viewer)
        else:
            viewers = await sync_to_async(presence_leave)(self.ticket, self.channel_name)
        message = {"type": "presence.changed", "viewers": [viewer.as_json() for viewer in viewers]}
        await self.channel_layer.group_send(ticket_group(self.ticket), message)

    async def _follow(self, number: int | None) -> None:
        """Listen to the visitor's current ticket (for agents' typing), leaving the previous one."""
        if number == self.ticket:
            return
        if self.ticket is not None:
            await self.channel_layer.group_discard(ticket_group(self.ticket), self.channel_name)
        self.ticket = number
        if number is not None:
            await self.channel_layer.group_add(ticket_group(number), self.channel_name)

    async def chat_message(self, event: dict[str, Any]) -> None:
        await self._follow(event["message"].get("ticket"))
        await self.send_json({"type": "message", "message": event["message"]})

    async def presence_changed(self, event: dict[str, Any]) -> None:
        """Any agent typing on the ticket is «Оператор печатает…» for the visitor (no names: agents stay private)."""
        typing = any(viewer["agent_id"] and viewer["state"] == REPLYING for viewer in event["viewers"])
        if typing != self.agents_typing:
            self.agents_typing = typing
            await self.send_json({"type": "typing", "typing": typing})
