"""Jobs of the ticket domain; each wraps a service and is harmless to run twice."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from otvet.tickets.events import event_process, events_pending, events_process

logger = logging.getLogger(__name__)


@db_task(retries=5, retry_delay=10)
def process_ticket_event(event_id: int) -> bool:
    return event_process(event_id)


@db_task(retries=5, retry_delay=10)
def process_ticket_events(event_ids: list[int]) -> int:
    """The events a batch wrote (services.common.events_save), handled together."""
    return events_process(event_ids)


@db_periodic_task(crontab(minute="*"))
def process_pending_events() -> int:
    """Catch up on events whose job was lost; idempotent with the job itself."""
    pending = events_pending()
    for event_id in pending:
        try:
            event_process(event_id)
        except Exception:  # one bad event must not block the others; it is retried next minute
            logger.exception("processing ticket event %s failed", event_id)
    return len(pending)
