"""POST /hooks/telegram/: checks the bot's secret token, stores the update, answers 200 at once."""

from __future__ import annotations

import hashlib
import json

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from otvet.connectors.hooks import hook_accepted, hook_forbidden, secret_owner
from otvet.connectors.messages import inbound_message_store
from otvet.connectors.models import InboundMessage, TelegramBot
from otvet.connectors.telegram.parse import update_facts
from otvet.tickets.choices import Channel

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@csrf_exempt
@require_POST
def telegram_webhook(request: HttpRequest) -> HttpResponse:
    """Telegram's webhook: the secret token names the bot; a wrong or missing one stores nothing."""
    bots = TelegramBot.objects.filter(is_active=True).only("pk", "webhook_secret")
    bot = secret_owner(request.headers.get(SECRET_HEADER, ""), ((b.webhook_secret, b) for b in bots))
    if bot is None:
        return hook_forbidden()
    telegram_update_store(bot=bot, body=request.body)
    return hook_accepted()


def telegram_update_store(*, bot: TelegramBot, body: bytes) -> tuple[InboundMessage, bool]:
    """Store one update as received (webhook or polling), once per bot and update_id."""
    raw = body.decode("utf-8", "replace")
    try:
        update = json.loads(raw)
    except ValueError:
        update = None
    if isinstance(update, dict):
        facts = update_facts(update)
        key, kind, chat_id, sender_id = facts.update_id, facts.kind, facts.chat_id, facts.sender_id
    else:
        key, kind, chat_id, sender_id = "", "", "", ""
    return inbound_message_store(
        channel=Channel.TELEGRAM,
        account=str(bot.pk),
        update_key=key or f"sha256:{hashlib.sha256(body).hexdigest()}",
        raw=raw,
        kind=kind,
        chat_id=chat_id,
        sender_id=sender_id,
    )
