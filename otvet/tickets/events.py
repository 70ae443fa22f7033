"""Processing committed ticket events: the outbox that drives every side effect.

Handlers are listed in settings.OTVET_EVENT_HANDLERS (search indexing, the email channel's deliveries, spam
learning). Each takes a sequence of events, so that a batch (a hundred mails taken in at once) is indexed and
queued in a few statements, and each must be idempotent: an event is processed at least once, and marked only
after every handler succeeded, so a crash means a retry, never a lost side effect.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from functools import cache

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from otvet.core import clock
from otvet.tickets.models import TicketEvent

logger = logging.getLogger(__name__)

Handler = Callable[[Sequence[TicketEvent]], None]
RETRY_AFTER = dt.timedelta(seconds=60)


@cache
def handlers() -> tuple[Handler, ...]:
    return tuple(import_string(path) for path in settings.OTVET_EVENT_HANDLERS)


def event_process(event_id: int) -> bool:
    """Run every handler on an unprocessed event, then mark it; False if it was already processed or is gone."""
    return events_process([event_id]) == 1


def events_process(event_ids: Sequence[int]) -> int:
    """Run every handler once on the unprocessed events among `event_ids`, then mark them; how many there were.

    When a handler fails on a batch, each event is tried on its own, so that one bad event holds back no other;
    the first failure is raised after that (for the job's retry).
    """
    try:
        return _process(event_ids)
    except Exception:
        if len(event_ids) <= 1:
            raise
        logger.exception("processing %s ticket events together failed; trying them one by one", len(event_ids))
    failure: Exception | None = None
    processed = 0
    for event_id in event_ids:
        try:
            processed += _process([event_id])
        except Exception as error:
            failure = failure or error
            logger.exception("processing ticket event %s failed", event_id)
    if failure is not None:
        raise failure
    return processed


def _process(event_ids: Sequence[int]) -> int:
    # One transaction: what the handlers write and the marks commit together (a failure leaves all for a retry).
    with transaction.atomic():
        # The requester too: the delivery handlers of every channel need the customer's address.
        events = list(
            TicketEvent.objects.select_related("ticket__requester", "message")
            .filter(pk__in=list(event_ids), processed_at__isnull=True)
            .order_by("created_at", "id")
        )
        if not events:
            return 0
        for handler in handlers():
            handler(events)
        TicketEvent.objects.filter(pk__in=[event.pk for event in events], processed_at__isnull=True).update(
            processed_at=clock.now()
        )
    return len(events)


def events_pending(limit: int = 500) -> list[int]:
    """Events that were committed but not processed a while ago (a worker died, the queue lost a job)."""
    cutoff = clock.now() - RETRY_AFTER
    return list(
        TicketEvent.objects.filter(processed_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
