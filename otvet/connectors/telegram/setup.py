"""Configuring a bot from code: the demo's bot, and installations set up by script."""

from __future__ import annotations

from otvet.connectors.models import TelegramBot
from otvet.core import clock

DEMO_TOKEN = "demo-token"
DEMO_SECRET = "demo-secret"
DEMO_USERNAME = "otvet_demo_bot"


def telegram_bot_configure(*, name: str, token: str, webhook_secret: str, username: str = "") -> TelegramBot:
    """The bot with this webhook secret, created or updated to these values; active and served by the webhook."""
    bot, _created = TelegramBot.objects.update_or_create(
        webhook_secret=webhook_secret,
        defaults={"name": name, "token": token, "username": username, "is_active": True, "updated_at": clock.now()},
    )
    return bot


def telegram_demo_bot() -> TelegramBot:
    """`otvet demo`'s bot: token `demo-token`, secret `demo-secret`; its calls go to TELEGRAM_API_URL."""
    return telegram_bot_configure(
        name="Otvet demo", token=DEMO_TOKEN, webhook_secret=DEMO_SECRET, username=DEMO_USERNAME
    )
