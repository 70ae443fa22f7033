"""Jobs of the channel layer; each wraps a service and is harmless to run twice."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from otvet.connectors.base import TransportError, delivery_send_any
from otvet.connectors.choices import InboundState
from otvet.connectors.email.batch import inbound_emails_process, taken_by_a_batch
from otvet.connectors.email.poll import mailbox_poll, mailboxes_due
from otvet.connectors.email.process import inbound_email_failed, inbound_emails_stalled
from otvet.connectors.email.send import deliveries_due
from otvet.connectors.messages import inbound_message_failed, inbound_message_process, inbound_messages_stalled
from otvet.connectors.phone.tasks import call_records_sweep, process_call_record  # noqa: F401 (huey finds them here)
from otvet.connectors.spam_services import spam_purge
from otvet.core import clock
from otvet.core.errors import ServiceError

logger = logging.getLogger(__name__)


class InboundEmailRetry(RuntimeError):
    """The job's own mail failed inside its batch (recorded there); raised so that the job is retried."""


@db_task(retries=3, retry_delay=20)
def process_inbound_email(inbound_id: int, stored: bool = False) -> str:
    """Turn a stored mail, and the mail pending with it (a batch), into tickets or replies; failures are recorded
    on the mail, then retried. `stored`: queued by the mail's store (see batch.taken_by_a_batch)."""
    if stored and taken_by_a_batch(inbound_id):
        return "batched"
    try:
        row = inbound_emails_process(inbound_id)
    except ServiceError as error:  # the mail itself cannot become a ticket: an agent decides
        inbound_email_failed(inbound_id, error, permanent=True)
        return "failed"
    except Exception as error:
        inbound_email_failed(inbound_id, error, permanent=False)
        raise
    if row is not None and row.state == InboundState.PENDING and row.error:
        raise InboundEmailRetry(row.error)
    return row.state if row is not None else ""


@db_task(retries=2, retry_delay=30)
def send_delivery(delivery_id: int) -> str:
    """Send a queued delivery through its channel (email, Telegram, ...)."""
    return delivery_send_any(delivery_id)


@db_task(retries=3, retry_delay=20)
def process_inbound_message(inbound_id: int) -> str:
    """Turn a stored messenger update into a ticket message (or record why not); failures recorded, then retried."""
    try:
        return inbound_message_process(inbound_id)
    except (ServiceError, TransportError) as error:
        permanent = isinstance(error, ServiceError) or error.permanent  # a bad message, or a file gone for good
        inbound_message_failed(inbound_id, error, permanent=permanent)
        if permanent:
            return "failed"
        raise
    except Exception as error:
        inbound_message_failed(inbound_id, error, permanent=False)
        raise


@db_task()
def poll_mailbox(mailbox_id: int) -> int:
    return mailbox_poll(mailbox_id)


@db_periodic_task(crontab(minute="*"))
def channel_sweep() -> None:
    """Every minute: poll due mailboxes, send due retries, and pick up mail and updates whose job was lost."""
    for mailbox_id in mailboxes_due():
        poll_mailbox(mailbox_id)
    for delivery_id in deliveries_due():
        send_delivery(delivery_id)
    for inbound_id in inbound_emails_stalled():
        process_inbound_email(inbound_id)
    for inbound_id in inbound_messages_stalled():
        process_inbound_message(inbound_id)


@db_periodic_task(crontab(hour="3", minute="40"))
def purge_spam() -> int:
    """Daily: delete held spam older than SPAM_PURGE_DAYS (until then it waits in the Spam view)."""
    return spam_purge(now=clock.now())
