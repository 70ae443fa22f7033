"""`otvet telegram_webhook [--bot ID]`: register our hook with Telegram (setWebhook with the secret, getMe)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from otvet.connectors.base import TransportError
from otvet.connectors.models import TelegramBot
from otvet.connectors.telegram.setup import telegram_webhook_register


class Command(BaseCommand):
    help = "Register SITE_URL/hooks/telegram/ as the webhook of the active bots (they stop long polling)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bot", type=int, help="Only this bot (by id).")
        parser.add_argument("--site-url", default=settings.SITE_URL, help="Our public address (default SITE_URL).")

    def handle(self, *args: Any, **options: Any) -> None:
        bots = TelegramBot.objects.filter(is_active=True)
        if options["bot"]:
            bots = bots.filter(pk=options["bot"])
        if not bots:
            raise CommandError("No active Telegram bot to register.")
        for bot in bots:
            try:
                hook = telegram_webhook_register(bot, site_url=options["site_url"])
            except TransportError as error:
                raise CommandError(f"{bot}: {error}") from error
            self.stdout.write(f"{bot}: updates go to {hook}")
