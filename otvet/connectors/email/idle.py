"""IMAP IDLE: one thread per mailbox waits for the server to announce new mail, then polls at once."""

from __future__ import annotations

import logging
import threading
import time

from django.db import close_old_connections

from otvet.connectors.email.imap import ImapError, imap_wait
from otvet.connectors.email.poll import imap_settings, mailbox_poll
from otvet.connectors.models import Mailbox

logger = logging.getLogger(__name__)

WAIT_SECONDS = 300.0  # re-issue IDLE well within the 29 minutes servers allow
BACKOFF_SECONDS = 30.0


def idle_mailbox(mailbox_id: int, stop: threading.Event, wait_seconds: float = WAIT_SECONDS) -> None:
    """Wait and poll until `stop`; a mailbox that was switched off or lost its IMAP host ends its thread."""
    while not stop.is_set():
        close_old_connections()
        mailbox = Mailbox.objects.filter(pk=mailbox_id, is_active=True).exclude(imap_host="").first()
        if mailbox is None:
            return
        try:
            arrived = imap_wait(imap_settings(mailbox), timeout=wait_seconds)
        except ImapError as error:  # its text never holds the password
            logger.warning("IMAP IDLE on mailbox %s: %s", mailbox_id, error)
            stop.wait(BACKOFF_SECONDS)
            continue
        if arrived:
            mailbox_poll(mailbox_id, force=True)


def idle_all(stop: threading.Event, *, rescan_seconds: float = 60.0) -> None:
    """Keep one IDLE thread per active IMAP mailbox, picking up mailboxes added later, until `stop`."""
    threads: dict[int, threading.Thread] = {}
    while not stop.is_set():
        close_old_connections()
        for mailbox_id in Mailbox.objects.filter(is_active=True).exclude(imap_host="").values_list("pk", flat=True):
            thread = threads.get(mailbox_id)
            if thread is None or not thread.is_alive():
                thread = threading.Thread(
                    target=idle_mailbox, args=(mailbox_id, stop), name=f"imap-idle-{mailbox_id}", daemon=True
                )
                thread.start()
                threads[mailbox_id] = thread
        deadline = time.monotonic() + rescan_seconds
        while not stop.is_set() and time.monotonic() < deadline:
            stop.wait(1.0)
