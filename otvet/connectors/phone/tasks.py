"""Jobs of the phone channel; each wraps a service and is harmless to run twice."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from otvet.connectors.phone.process import call_record_failed, call_record_process, call_records_stalled
from otvet.core import clock
from otvet.core.errors import ServiceError


@db_task(retries=3, retry_delay=30)
def process_call_record(record_id: int) -> str:
    """Put a stored call on a ticket; a refusal is recorded as failed, anything else is retried."""
    try:
        record = call_record_process(record_id)
    except ServiceError as error:
        call_record_failed(record_id, error, permanent=True)
        return "failed"
    except Exception as error:
        call_record_failed(record_id, error, permanent=False)
        raise
    return record.state if record is not None else ""


@db_periodic_task(crontab(minute="*/2"))
def call_records_sweep() -> int:
    """Every two minutes: process calls whose job was lost."""
    stalled = call_records_stalled(clock.now())
    for record_id in stalled:
        process_call_record(record_id)
    return len(stalled)
