"""`otvet serve`: web and scheduler in one foreground process, for the embedded default and `make run`."""

from __future__ import annotations

import logging
import threading
from typing import Any

import uvicorn
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY

from otvet.connectors.email.idle import idle_all


class Command(BaseCommand):
    help = "Serve Otvet and run its background jobs in this one process (Ctrl-C stops both)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        autodiscover_modules("tasks")
        consumer = None
        if not HUEY.immediate:
            logging.getLogger("huey").setLevel(logging.WARNING)
            consumer = HUEY.create_consumer(workers=2, worker_type="thread", periodic=True)
            consumer.start()
        # IMAP mailboxes are also listened to with IDLE, so new mail does not wait for the next scheduled poll.
        stop_idle = threading.Event()
        threading.Thread(target=idle_all, args=(stop_idle,), name="imap-idle", daemon=True).start()
        try:
            uvicorn.run("otvet.config.asgi:application", host=options["host"], port=options["port"], log_level="info")
        finally:
            stop_idle.set()
            if consumer is not None:
                consumer.stop(graceful=True)
