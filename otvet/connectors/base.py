"""What every channel adapter shares: the transport interface, its errors, and sending by channel."""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from otvet.connectors.models import Delivery


class TransportError(Exception):
    """A failed call to a channel's API; `permanent` failures (a blocked bot, an unknown chat) are not retried."""

    def __init__(self, message: str, *, permanent: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after  # seconds the platform asked us to wait (HTTP 429), if it said


class Transport(Protocol):
    """Sends one delivery on one channel, raising TransportError; appends the channel's id of each part it sent
    to `sent`, which holds those an earlier attempt sent (they are skipped)."""

    def send(self, delivery: Delivery, *, sent: list[str]) -> None: ...


def delivery_send_any(delivery_id: int) -> str:
    """Send a queued delivery through its channel's sender (settings.OTVET_CHANNEL_SENDERS); its state after."""
    channel = Delivery.objects.filter(pk=delivery_id).values_list("channel", flat=True).first()
    if channel is None:
        return ""
    path = settings.OTVET_CHANNEL_SENDERS.get(channel)
    if path is None:  # a channel without a sender yet: the delivery waits, visibly queued
        return "queued"
    sender = import_string(path)
    return str(sender(delivery_id))
