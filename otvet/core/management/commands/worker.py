"""`otvet worker [--periodic]`: a job consumer; exactly one of them runs with --periodic (the scheduler)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run background jobs. Add --periodic on exactly one worker to also schedule periodic jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--periodic", action="store_true", help="also enqueue periodic jobs (one worker only)")
        parser.add_argument("--workers", type=int, default=2, help="worker threads")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("run_huey", workers=options["workers"], worker_type="thread", periodic=options["periodic"])
