"""`otvet automation run [--at ISO-8601]`: fire the timers due at a moment (default now), as the scheduler does;
`otvet automation presets [--on]`: load the shipped rules (switched off unless --on)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from otvet.automation.presets import presets_load
from otvet.automation.timers import timers_sweep
from otvet.core import clock


class Command(BaseCommand):
    help = "Automation: fire due timers at a moment, or load the shipped rule presets."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="Fire every timer due at --at (default: now): catch up after downtime.")
        run.add_argument("--at", help="ISO-8601 moment with a time zone, e.g. 2026-12-02T10:00:00+05:00")
        presets = sub.add_parser("presets", help="Load the shipped rules; existing ones are updated, not doubled.")
        presets.add_argument("--on", action="store_true", help="Switch them on.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "presets":
            rules = presets_load(activate=options["on"])
            self.stdout.write(f"{len(rules)} preset rules loaded")
            return
        at = _moment(options["at"]) if options.get("at") else clock.now()
        fired = timers_sweep(at)
        self.stdout.write(f"{fired} timers fired as of {at.isoformat()}")


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--at: not an ISO-8601 moment: {text!r}") from None
    if moment.tzinfo is None:
        raise CommandError("--at: give a time zone, e.g. 2026-12-02T10:00:00+05:00 or ...Z")
    return moment.astimezone(dt.UTC)
