"""`otvet demo [--if-empty] [--tickets N] [--seed S]`: load the demo organisation and ticket history."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from otvet.demo.builder import DemoResult, build_demo
from otvet.demo.people import DEMO_PASSWORD
from otvet.tickets.models import Ticket


class Command(BaseCommand):
    help = "Load demo data: companies, a partner, agents, contacts and ~300 tickets with their history."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="do nothing when any ticket exists")
        parser.add_argument("--tickets", type=int, default=300, help="how many tickets to create (default 300)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed: the same seed, the same data")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Ticket.objects.exists():
            self.stdout.write("Demo data not loaded: the database already has tickets.")
            return
        if options["tickets"] < 0:
            self.stderr.write("--tickets must be zero or more.")
            return
        self.stdout.write(f"Loading demo data ({options['tickets']} tickets)...")
        result = build_demo(tickets=options["tickets"], seed=options["seed"])
        statuses = ", ".join(f"{code} {count}" for code, count in result.by_status.most_common())
        self.stdout.write(
            self.style.SUCCESS(f"Created {result.tickets} tickets in {result.seconds:.1f} s ({statuses}).")
        )
        self.stdout.write(self.logins_table(result))

    def logins_table(self, result: DemoResult) -> str:
        """The demo logins as a plain-text table (every one has the password `demo`)."""
        rows = [("Login", "Password", "Who"), *((email, DEMO_PASSWORD, who) for email, who in result.logins)]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
        lines = [rule]
        for number, row in enumerate(rows):
            lines.append("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |")
            if number == 0:
                lines.append(rule)
        lines.append(rule)
        return "\n".join(["", "Demo logins:", *lines])
