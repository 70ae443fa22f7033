"""`otvet imap_idle`: new IMAP mail becomes tickets within seconds, not at the next scheduled poll."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand

from otvet.connectors.email.idle import idle_all


class Command(BaseCommand):
    help = "Listen with IMAP IDLE on every active IMAP mailbox and fetch new mail as soon as it arrives."

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        self.stdout.write("Otvet IMAP IDLE listener; Ctrl-C stops it.")
        try:
            idle_all(stop)
        except KeyboardInterrupt:
            stop.set()
