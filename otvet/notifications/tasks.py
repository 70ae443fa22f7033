"""Jobs of notifications; each wraps a service and is harmless to run twice."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from otvet.notifications.emails import notification_emails_pending, notification_emails_send


@db_task(retries=3, retry_delay=60)
def send_notification_emails(notification_ids: list[int]) -> int:
    """The mail of one ticket_notify call (one job per call); failed rows are retried, sent ones are skipped."""
    return notification_emails_send(notification_ids)


@db_periodic_task(crontab(minute="*/5"))
def send_pending_notification_emails() -> int:
    """Catch up on mail whose job was lost; idempotent with the job itself."""
    return notification_emails_send(notification_emails_pending())
