"""Sending to channel-layer groups from synchronous code: event handlers, views, jobs."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

logger = logging.getLogger(__name__)

QUEUES_GROUP = "otvet.queues"

# The event loop that serves the WebSockets of this process. The in-memory layer keeps asyncio queues bound to
# that loop, so a sender in another thread (the huey consumer of `otvet serve`) must hand its message over to it.
_web_loop: asyncio.AbstractEventLoop | None = None


def ticket_group(number: int) -> str:
    """The group of everyone who has ticket `number` open."""
    return f"otvet.ticket.{number}"


def web_loop_remember() -> None:
    """Called by consumers: the running loop is the one the in-memory layer's queues belong to."""
    global _web_loop
    _web_loop = asyncio.get_running_loop()


def publish(group: str, message: dict[str, Any]) -> None:
    """Send `message` to `group`, from any thread; a failure is logged, never raised (pushes are best effort)."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        running = _running_loop()
        loop = _web_loop if isinstance(layer, InMemoryChannelLayer) else None
        if loop is not None and loop.is_running() and running is not loop:
            asyncio.run_coroutine_threadsafe(layer.group_send(group, message), loop).result(timeout=5)
        elif running is not None:  # called from async code without await: schedule it on that loop
            running.create_task(layer.group_send(group, message))
        else:
            async_to_sync(layer.group_send)(group, message)
    except Exception:  # a push that fails must not fail the event's other handlers: pages still poll
        logger.exception("publishing to %s failed", group)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
