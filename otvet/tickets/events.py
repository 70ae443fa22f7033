"""Processing committed ticket events: the outbox that drives every side effect.

Handlers are listed in settings.OTVET_EVENT_HANDLERS (search indexing now; automation, notifications and
delivery later). Each must be idempotent: an event is processed at least once, and marked only after every
handler succeeded, so a crash means a retry, never a lost side effect.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from otvet.core import clock
from otvet.tickets.models import TicketEvent

logger = logging.getLogger(__name__)

Handler = Callable[[TicketEvent], None]
RETRY_AFTER = dt.timedelta(seconds=60)


@cache
def handlers() -> tuple[Handler, ...]:
    return tuple(import_string(path) for path in settings.OTVET_EVENT_HANDLERS)


def event_process(event_id: int) -> bool:
    """Run every handler on an unprocessed event, then mark it; False if it was already processed or is gone."""
    # The requester too: the delivery handlers of every channel need the customer's address.
    event = TicketEvent.objects.select_related("ticket__requester", "message").filter(pk=event_id).first()
    if event is None or event.processed_at is not None:
        return False
    for handler in handlers():
        handler(event)
    TicketEvent.objects.filter(pk=event_id, processed_at__isnull=True).update(processed_at=clock.now())
    return True


def events_pending(limit: int = 500) -> list[int]:
    """Events that were committed but not processed a while ago (a worker died, the queue lost a job)."""
    cutoff = clock.now() - RETRY_AFTER
    return list(
        TicketEvent.objects.filter(processed_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
