"""Configuring a bot from code: the demo's bot, and installations set up by script."""

from __future__ import annotations

from django.urls import reverse

from otvet.connectors.models import TelegramBot
from otvet.connectors.telegram.api import BotApi
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


def telegram_webhook_register(bot: TelegramBot, *, site_url: str) -> str:
    """Ask Telegram to deliver the bot's updates to our hook (setWebhook with its secret) and learn the bot's
    username (getMe) for the portal's deep links; the hook's address is returned."""
    api = BotApi(bot.token)
    me = api.call("getMe")
    hook = f"{site_url.rstrip('/')}{reverse('hooks-telegram')}"
    api.call(
        "setWebhook",
        {"url": hook, "secret_token": bot.webhook_secret, "allowed_updates": ["message", "edited_message"]},
    )
    username = str((me or {}).get("username") or "") if isinstance(me, dict) else ""
    TelegramBot.objects.filter(pk=bot.pk).update(username=username or bot.username, polling=False)
    return hook
