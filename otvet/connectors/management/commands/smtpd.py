"""`otvet smtpd --port 2525`: receive mail for the configured mailboxes by SMTP (or LMTP) directly."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from otvet.connectors.email.smtpd import listener


class Command(BaseCommand):
    help = "Listen for inbound mail by SMTP or LMTP and turn it into tickets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)
        parser.add_argument("--lmtp", action="store_true", help="Speak LMTP instead of SMTP.")

    def handle(self, *args: Any, host: str, port: int, lmtp: bool, **options: Any) -> None:
        controller = listener(host, port, lmtp=lmtp, max_bytes=settings.OTVET_EMAIL_MAX_BYTES)
        controller.start()
        protocol = "LMTP" if lmtp else "SMTP"
        self.stdout.write(f"Otvet {protocol} listener on {host}:{port}; Ctrl-C stops it.")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
