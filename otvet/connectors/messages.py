"""The messenger foundation: raw-first storage of updates, their processing, replies queued and sent with retries.

Each messenger (telegram/, vk/, viber/) brings a router (a stored update into a Route: a message to ingest,
an action, or a reason to ignore it) and a Transport; the rest is written once, here.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from otvet.connectors.base import Transport, TransportError
from otvet.connectors.choices import DeliveryPurpose, DeliveryState, InboundState
from otvet.connectors.ingest import IncomingMessage, files_fetch, message_ingest
from otvet.connectors.models import Delivery, InboundMessage
from otvet.core import clock
from otvet.tickets.choices import AuthorKind, EventKind, MessageKind
from otvet.tickets.models import Message, Ticket, TicketEvent

logger = logging.getLogger(__name__)

# The router of each messenger: a stored update (not locked) into a Route; no writes, no network.
ROUTERS: dict[str, str] = {
    "telegram": "otvet.connectors.telegram.process.telegram_update_route",
    "vk": "otvet.connectors.vk.process.vk_event_route",
    "viber": "otvet.connectors.viber.process.viber_callback_route",
    "webchat": "otvet.connectors.webchat.process.webchat_update_route",
}
REPLY_EVENTS = (EventKind.CREATED, EventKind.REPLIED, EventKind.RESOLVED, EventKind.REOPENED)
STALL_AFTER = dt.timedelta(minutes=2)
LEASE = dt.timedelta(minutes=5)
MAX_BACKOFF = dt.timedelta(hours=6)
MAX_ATTEMPTS = 5


def stored_object(row: InboundMessage) -> dict[str, Any] | None:
    """The stored body as a JSON object; None when it is not one (stored anyway, then ignored)."""
    try:
        value = json.loads(row.raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


NOT_AN_OBJECT = gettext_lazy("The stored body is not a JSON object.")


@dataclass
class Route:
    """What a stored update becomes: a message to ingest, an action of its own (returns the reason to record), or
    nothing (`ignore` says why); `after` runs once the outcome is committed (a courtesy answer to the sender)."""

    incoming: IncomingMessage | None = None
    action: Callable[[InboundMessage], str] | None = None
    ignore: str = ""
    after: Callable[[], None] | None = None


def inbound_message_store(
    *, channel: str, account: str, update_key: str, raw: str, kind: str = "", chat_id: str = "", sender_id: str = ""
) -> tuple[InboundMessage, bool]:
    """Store an update exactly as it arrived, once per (channel, account, update key); processed after commit."""
    row = InboundMessage(
        channel=channel,
        account=account,
        dedupe_key=f"{channel}:{account}:{update_key}"[:200],
        raw=raw,
        kind=kind[:40],
        chat_id=chat_id[:64],
        sender_id=sender_id[:64],
        received_at=clock.now(),
    )
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return InboundMessage.objects.get(dedupe_key=row.dedupe_key), False
    from otvet.connectors.tasks import process_inbound_message  # tasks import this module

    transaction.on_commit(lambda: process_inbound_message(row.pk))
    return row, True


def inbound_message_process(inbound_id: int) -> str:
    """Process a pending update (idempotent: anything not pending is left alone); its state afterwards."""
    row = InboundMessage.objects.filter(pk=inbound_id).first()
    if row is None or row.state != InboundState.PENDING:
        return row.state if row is not None else ""
    route: Route = import_string(ROUTERS[row.channel])(row)
    fetched = files_fetch(route.incoming) if route.incoming is not None else None  # network: before the lock
    with transaction.atomic():
        row = InboundMessage.objects.select_for_update().get(pk=inbound_id)
        if row.state != InboundState.PENDING:
            return row.state
        row.attempts += 1
        if route.incoming is not None:
            message = message_ingest(incoming=route.incoming, fetched=fetched)
            row.state, row.ticket_id, row.message, row.reason = InboundState.PROCESSED, message.ticket_id, message, ""
        elif route.action is not None:
            row.state, row.reason = InboundState.PROCESSED, route.action(row)[:255]
        else:
            row.state, row.reason = InboundState.IGNORED, route.ignore[:255]
        row.processed_at, row.error = clock.now(), ""
        row.save(update_fields=["state", "reason", "ticket", "message", "attempts", "processed_at", "error"])
    if route.after is not None:
        transaction.on_commit(route.after)
    return row.state


def inbound_message_failed(inbound_id: int, error: Exception, *, permanent: bool) -> None:
    """Record a failed attempt; after the last one (or a permanent failure) the update waits for an agent."""
    row = InboundMessage.objects.filter(pk=inbound_id, state=InboundState.PENDING).first()
    if row is None:
        return
    row.attempts += 1
    row.error = f"{type(error).__name__}: {error}"[:2000]
    if permanent or row.attempts >= MAX_ATTEMPTS:
        row.state, row.reason = InboundState.FAILED, _("Processing failed; see the error.")
    row.save(update_fields=["attempts", "error", "state", "reason"])


def inbound_messages_stalled(limit: int = 200) -> list[int]:
    """Pending updates whose job was lost or crashed (stored a while ago, still pending)."""
    cutoff = clock.now() - STALL_AFTER
    pending = InboundMessage.objects.filter(state=InboundState.PENDING, received_at__lt=cutoff)
    return list(pending.order_by("received_at", "id").values_list("pk", flat=True)[:limit])


def messenger_events_handler(events: Sequence[TicketEvent]) -> None:
    """Queue a messenger delivery for each public reply to a customer whose latest message came by a messenger."""
    for event in events:
        message = event.message
        if event.kind not in REPLY_EVENTS or message is None or message.kind != MessageKind.REPLY:
            continue
        if message.author_kind == AuthorKind.CUSTOMER:
            continue
        channel, chat_id = reply_target(event.ticket)
        if channel:
            delivery_queue_messenger(ticket=event.ticket, message=message, channel=channel, chat_id=chat_id)


def reply_target(ticket: Ticket) -> tuple[str, str]:
    """(channel, chat) to answer on: the messenger of the customer's latest message, and the chat it came from;
    ("", "") when the customer last wrote by another channel (email, the portal) or nothing is known to answer."""
    last = (
        Message.objects.filter(ticket=ticket, kind=MessageKind.REPLY, author_kind=AuthorKind.CUSTOMER)
        .order_by("-created_at", "-id")
        .values_list("channel", flat=True)
        .first()
    )
    if last not in ROUTERS:
        return "", ""
    chat = (
        InboundMessage.objects.filter(ticket=ticket, channel=last)
        .exclude(chat_id="")
        .order_by("-received_at", "-id")
        .values_list("chat_id", flat=True)
        .first()
    )
    return (last, chat) if chat else ("", "")


def delivery_queue_messenger(*, ticket: Ticket, message: Message, channel: str, chat_id: str) -> Delivery:
    """Create the reply's delivery once (its key is unique) and send it after the commit."""
    delivery = Delivery(
        key=f"{channel}:reply:{message.pk}",
        ticket=ticket,
        message=message,
        channel=channel,
        purpose=DeliveryPurpose.REPLY,
        recipients=[chat_id],
    )
    try:
        with transaction.atomic():
            delivery.save(force_insert=True)
    except IntegrityError:  # this event was handled once already
        return Delivery.objects.get(key=delivery.key)
    from otvet.connectors.tasks import send_delivery  # tasks import this module

    transaction.on_commit(lambda: send_delivery(delivery.pk))
    return delivery


def messenger_delivery_send(delivery_id: int, transport_for: Callable[[Delivery], Transport]) -> str:
    """Send a queued messenger delivery once due; parts sent before a failure are not sent again."""
    now = clock.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimed = Delivery.objects.filter(due, pk=delivery_id, state=DeliveryState.QUEUED).update(
        next_attempt_at=now + LEASE
    )
    if not claimed:  # sent, failed, or another worker holds the lease
        return Delivery.objects.filter(pk=delivery_id).values_list("state", flat=True).first() or ""
    delivery = Delivery.objects.select_related("ticket", "message").get(pk=delivery_id)
    sent = [part for part in delivery.external_id.split(",") if part]
    try:
        transport_for(delivery).send(delivery, sent=sent)
    except TransportError as error:
        return _failed(delivery, error, sent)
    except Exception as error:  # a bug or an unexpected answer: retried, and visible on the message meanwhile
        logger.exception("messenger delivery %s failed", delivery.pk)
        return _failed(delivery, TransportError(f"{type(error).__name__}: {error}", permanent=False), sent)
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.SENT,
        sent_at=clock.now(),
        attempts=delivery.attempts + 1,
        external_id=",".join(sent)[:300],
        last_error="",
        next_attempt_at=None,
    )
    return DeliveryState.SENT


def _failed(delivery: Delivery, error: TransportError, sent: list[str]) -> str:
    attempts = delivery.attempts + 1
    progress = ",".join(sent)[:300]
    if error.permanent or attempts >= settings.OTVET_MESSENGER_SEND_ATTEMPTS:
        Delivery.objects.filter(pk=delivery.pk).update(
            state=DeliveryState.FAILED,
            attempts=attempts,
            last_error=str(error)[:2000],
            external_id=progress,
            next_attempt_at=None,
        )
        logger.warning("%s delivery %s failed for good: %s", delivery.channel, delivery.pk, error)
        return DeliveryState.FAILED
    backoff = min(dt.timedelta(minutes=1) * 2 ** (attempts - 1), MAX_BACKOFF)
    if error.retry_after:
        backoff = max(backoff, dt.timedelta(seconds=error.retry_after))
    Delivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts, last_error=str(error)[:2000], external_id=progress, next_attempt_at=clock.now() + backoff
    )
    from otvet.connectors.tasks import send_delivery  # tasks import this module

    send_delivery.schedule((delivery.pk,), delay=backoff.total_seconds())
    return DeliveryState.QUEUED
