"""`otvet telegram_poll`: long polling for bots marked «long polling» (no public address needed)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from otvet.connectors.base import TransportError
from otvet.connectors.models import TelegramBot
from otvet.connectors.telegram.poll import telegram_poll

ERROR_PAUSE = 5.0


class Command(BaseCommand):
    help = "Fetch Telegram updates by long polling (getUpdates) for the bots marked «long polling»."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Poll each bot once and exit.")
        parser.add_argument("--timeout", type=int, default=30, help="Seconds Telegram holds each request.")
        parser.add_argument("--bot", type=int, help="Only this bot (by id), even if not marked for polling.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            bots = TelegramBot.objects.filter(is_active=True)
            bots = bots.filter(pk=options["bot"]) if options["bot"] else bots.filter(polling=True)
            if not bots:
                self.stderr.write("No active Telegram bot is marked for long polling.")
                return
            for bot in bots:
                try:
                    count = telegram_poll(bot, timeout=0 if options["once"] else options["timeout"])
                except TransportError as error:
                    TelegramBot.objects.filter(pk=bot.pk).update(last_error=str(error)[:2000])
                    self.stderr.write(f"{bot}: {error}")
                    if not options["once"]:
                        time.sleep(ERROR_PAUSE)
                    continue
                self.stdout.write(f"{bot}: {count} update(s)")
            if options["once"]:
                return
