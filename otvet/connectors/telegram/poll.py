"""Long polling for installations without a public address: getUpdates, each update stored like a webhook's."""

from __future__ import annotations

import json

from django.db import transaction

from otvet.connectors.models import TelegramBot
from otvet.connectors.telegram.api import BotApi
from otvet.connectors.telegram.webhook import telegram_update_store
from otvet.core import clock


def telegram_poll(bot: TelegramBot, *, timeout: int = 30) -> int:
    """Fetch and store the bot's pending updates once; returns how many came. The offset moves only after the
    updates are stored, so a crash fetches them again (and the dedupe key stores them once)."""
    api = BotApi(bot.token, timeout=timeout + 10)
    updates = api.call("getUpdates", {"offset": bot.poll_offset, "timeout": timeout}) or []
    offset = bot.poll_offset
    with transaction.atomic():
        for update in updates:
            telegram_update_store(bot=bot, body=json.dumps(update, ensure_ascii=False).encode())
            if isinstance(update.get("update_id"), int):
                offset = max(offset, update["update_id"] + 1)
        bot.poll_offset, bot.last_polled_at, bot.last_error = offset, clock.now(), ""
        bot.save(update_fields=["poll_offset", "last_polled_at", "last_error"])
    return len(updates)
