"""WebSocket adapters: presence and pushes on one ticket (/ws/tickets/<number>/), the workspace's queues (/ws/desk/).

Agents only, scoped like every page (otvet/tickets/access.py): anyone else is refused at the handshake (close
code 4403), and a socket whose ticket leaves the agent's scope is told so and closed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from otvet.accounts.models import Agent
from otvet.core.errors import NotFound
from otvet.live.presence import (
    HEARTBEAT_SECONDS,
    REPLYING,
    VIEWING,
    Viewer,
    presence_join,
    presence_leave,
    presence_update,
)
from otvet.live.publish import QUEUES_GROUP, ticket_group, web_loop_remember
from otvet.tickets.access import Actor, actor_for_user, ticket_get_for_user, tickets_visible_to

CLOSE_FORBIDDEN = 4403


def _agent_actor(user: Any) -> Actor | None:
    """The signed-in agent behind a socket, or None."""
    if user is None or not user.is_authenticated:
        return None
    actor = actor_for_user(user)
    return actor if actor.is_agent else None


def _may_see(actor: Actor, number: int) -> bool:
    try:
        ticket_get_for_user(actor, number)
    except NotFound:
        return False
    return True


def _new_in_lines(actor: Actor, numbers: list[int]) -> list[dict[str, Any]]:
    """The new tickets among `numbers` that the agent may see and that sit in their lines (all, without any)."""
    assert actor.agent is not None
    tickets = tickets_visible_to(actor).filter(pk__in=numbers)
    line_ids = list(Agent.lines.through.objects.filter(agent_id=actor.agent.pk).values_list("line_id", flat=True))
    if line_ids:
        tickets = tickets.filter(line_id__in=line_ids)
    return [{"number": number, "subject": subject} for number, subject in tickets.values_list("pk", "subject")]


class TicketConsumer(AsyncJsonWebsocketConsumer):
    """One agent's open ticket page: presence in, presence and changes out."""

    number: int
    actor: Actor | None = None
    viewer: Viewer | None = None

    async def connect(self) -> None:
        web_loop_remember()
        self.number = int(self.scope["url_route"]["kwargs"]["number"])
        actor = await database_sync_to_async(_agent_actor)(self.scope.get("user"))
        if actor is None or not await database_sync_to_async(_may_see)(actor, self.number):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        assert actor.agent is not None and actor.user is not None
        self.actor = actor
        self.viewer = Viewer(
            sid=self.channel_name, agent_id=actor.agent.pk, name=actor.user.name or actor.user.email, state=VIEWING
        )
        await self.accept()
        await self.channel_layer.group_add(ticket_group(self.number), self.channel_name)
        hello = {"type": "hello", "sid": self.channel_name, "user": actor.user.pk, "heartbeat": HEARTBEAT_SECONDS}
        await self.send_json(hello)
        await self._broadcast(await sync_to_async(presence_join)(self.number, self.viewer))

    async def disconnect(self, code: int) -> None:
        if self.viewer is None:
            return
        await self.channel_layer.group_discard(ticket_group(self.number), self.channel_name)
        await self._broadcast(await sync_to_async(presence_leave)(self.number, self.viewer.sid))
        self.viewer = None

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if self.viewer is None or not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "typing":
            state = REPLYING if content.get("typing") else VIEWING
        elif kind == "ping":
            state = None
        else:
            return
        viewers, changed = await sync_to_async(presence_update)(self.number, self.viewer.sid, state=state)
        if state is not None:
            self.viewer = replace(self.viewer, state=state)
        if all(viewer.sid != self.viewer.sid for viewer in viewers):  # our entry expired (cache evicted): rejoin
            viewers, changed = await sync_to_async(presence_join)(self.number, self.viewer), True
        if changed:
            await self._broadcast(viewers)

    async def presence_changed(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "presence", "viewers": event["viewers"]})

    async def ticket_changed(self, event: dict[str, Any]) -> None:
        assert self.actor is not None
        if not await database_sync_to_async(_may_see)(self.actor, self.number):
            await self.send_json({"type": "gone"})
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.send_json({**event, "type": "changed"})

    async def _broadcast(self, viewers: list[Viewer]) -> None:
        message = {"type": "presence.changed", "viewers": [viewer.as_json() for viewer in viewers]}
        await self.channel_layer.group_send(ticket_group(self.number), message)


class DeskConsumer(AsyncJsonWebsocketConsumer):
    """Any workspace page: queue counts to refresh, new tickets in the agent's lines for desktop notifications."""

    actor: Actor | None = None

    async def connect(self) -> None:
        web_loop_remember()
        self.actor = await database_sync_to_async(_agent_actor)(self.scope.get("user"))
        if self.actor is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.accept()
        await self.channel_layer.group_add(QUEUES_GROUP, self.channel_name)

    async def disconnect(self, code: int) -> None:
        if self.actor is not None:
            await self.channel_layer.group_discard(QUEUES_GROUP, self.channel_name)

    async def queues_changed(self, event: dict[str, Any]) -> None:
        assert self.actor is not None
        await self.send_json({"type": "counts", "tickets": event["tickets"]})
        if event.get("created"):
            for ticket in await database_sync_to_async(_new_in_lines)(self.actor, event["created"]):
                await self.send_json({"type": "new_ticket", **ticket})
