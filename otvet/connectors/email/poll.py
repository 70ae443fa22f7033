"""Fetching mail from mailboxes over IMAP: store every message, commit, only then flag or move it on the server."""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Q

from otvet.connectors.choices import InboundSource
from otvet.connectors.email.imap import ImapError, ImapSettings, imap_fetch, imap_mark_processed
from otvet.connectors.email.store import inbound_email_store
from otvet.connectors.models import Mailbox
from otvet.core import clock
from otvet.core.errors import TooLarge

logger = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=10)


def imap_settings(mailbox: Mailbox) -> ImapSettings:
    return ImapSettings(
        host=mailbox.imap_host,
        port=mailbox.imap_port,
        security=mailbox.imap_security,
        username=mailbox.imap_username,
        password=mailbox.imap_password,
        folder=mailbox.imap_folder or "INBOX",
        processed_folder=mailbox.imap_processed_folder,
    )


def mailboxes_due() -> list[int]:
    """Active IMAP mailboxes whose next poll has come."""
    now = clock.now()
    return list(
        Mailbox.objects.filter(is_active=True)
        .exclude(imap_host="")
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .values_list("pk", flat=True)
    )


def mailbox_poll(mailbox_id: int, *, force: bool = False) -> int:
    """Fetch a mailbox's new mail if it is due (or `force`); returns how many messages were stored.

    Only the worker whose conditional UPDATE claims the poll's lease talks to the server, so several workers
    never fetch the same mailbox at once; `force` (the IDLE listener) skips the schedule, never the lease. Each
    message is committed before the server is told it was processed: a crash in between fetches it again, and
    storing it again is a no-op.
    """
    now = clock.now()
    due = Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now)
    free = Q(poll_lease_until__isnull=True) | Q(poll_lease_until__lt=now)
    claim = Mailbox.objects.filter(free, pk=mailbox_id, is_active=True).exclude(imap_host="")
    if not claim.filter(Q() if force else due).update(poll_lease_until=now + LEASE):
        return 0
    mailbox = Mailbox.objects.get(pk=mailbox_id)
    settings = imap_settings(mailbox)
    stored = 0
    error = ""
    try:
        fetched = imap_fetch(settings)
        done: list[str] = []
        for mail in fetched:
            try:
                inbound_email_store(mailbox=mailbox, raw=mail.raw, source=InboundSource.IMAP, source_ref=mail.uid)
            except TooLarge:
                logger.warning(
                    "mailbox %s: message %s is over the size limit; left on the server", mailbox.pk, mail.uid
                )
                continue
            done.append(mail.uid)
            stored += 1
        if done:
            imap_mark_processed(settings, done)
    except ImapError as failure:  # its text never holds the password
        error = str(failure)
        logger.warning("mailbox %s: %s", mailbox.pk, error)
    finished = clock.now()
    Mailbox.objects.filter(pk=mailbox_id).update(
        poll_lease_until=None,
        next_poll_at=finished + dt.timedelta(seconds=max(mailbox.poll_interval, 10)),
        last_polled_at=finished,
        last_error=error[:2000],
    )
    return stored
