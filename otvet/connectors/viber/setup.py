"""Configuring a Viber bot from code, and registering its webhook with Viber (set_webhook)."""

from __future__ import annotations

from typing import Any

from otvet.connectors.models import ViberBot
from otvet.connectors.viber.api import ViberApi
from otvet.core import clock
from otvet.tickets.models import Line

# The callbacks we handle; message, subscribed and unsubscribed come whatever is asked.
EVENT_TYPES = ["delivered", "seen", "failed", "subscribed", "unsubscribed", "conversation_started"]


def viber_bot_configure(*, name: str, auth_token: str, welcome_text: str = "", line: Line | None = None) -> ViberBot:
    """The bot with this auth token, created or updated to these values; active."""
    bot, _created = ViberBot.objects.update_or_create(
        auth_token=auth_token,
        defaults={
            "name": name[:28],
            "welcome_text": welcome_text,
            "line": line,
            "is_active": True,
            "updated_at": clock.now(),
        },
    )
    return bot


def viber_webhook_set(bot: ViberBot, *, url: str) -> dict[str, Any]:
    """Ask Viber to send the bot's callbacks to `url` (…/hooks/viber/); Viber checks it with a `webhook` callback
    before answering, so the hook must already be reachable and VIBER_ENABLED set."""
    return ViberApi(bot.auth_token).call(
        "set_webhook", {"url": url, "event_types": EVENT_TYPES, "send_name": True, "send_photo": False}
    )
