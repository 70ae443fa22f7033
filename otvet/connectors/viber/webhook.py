"""POST /hooks/viber/: checks the callback's signature, stores it, answers 200 (a welcome message, when the
callback is conversation_started and the bot has one)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from otvet.connectors.hooks import hook_accepted, hook_forbidden, secret_owner
from otvet.connectors.messages import inbound_message_store
from otvet.connectors.models import InboundMessage, ViberBot
from otvet.connectors.viber.api import signature
from otvet.connectors.viber.parse import callback_facts
from otvet.tickets.choices import Channel

SIGNATURE_HEADER = "X-Viber-Content-Signature"


@csrf_exempt
@require_POST
def viber_webhook(request: HttpRequest) -> HttpResponse:
    """Viber's callbacks: the signature (keyed with the auth token) names the bot; a wrong one stores nothing."""
    if not settings.VIBER_ENABLED:
        raise Http404
    bots = ViberBot.objects.filter(is_active=True).only("pk", "name", "auth_token", "welcome_text")
    given = request.headers.get(SIGNATURE_HEADER, "").lower()
    bot = secret_owner(given, ((signature(b.auth_token, request.body), b) for b in bots))
    if bot is None:
        return hook_forbidden()
    row, _created = viber_callback_store(bot=bot, body=request.body)
    if row.kind == "conversation_started" and bot.welcome_text:
        # Viber shows the answer to this callback as the bot's first message (no receiver: the opener)
        return JsonResponse({"sender": {"name": bot.name}, "type": "text", "text": bot.welcome_text})
    return hook_accepted()


def viber_callback_store(*, bot: ViberBot, body: bytes) -> tuple[InboundMessage, bool]:
    """Store one callback as received, once per bot, event and message_token."""
    raw = body.decode("utf-8", "replace")
    try:
        callback: Any = json.loads(raw)
    except ValueError:
        callback = None
    facts = callback_facts(callback) if isinstance(callback, dict) else None
    return inbound_message_store(
        channel=Channel.VIBER,
        account=str(bot.pk),
        update_key=(facts.callback_key if facts else "") or f"sha256:{hashlib.sha256(body).hexdigest()}",
        raw=raw,
        kind=facts.kind if facts else "",
        chat_id=facts.chat_id if facts else "",
        sender_id=facts.sender_id if facts else "",
    )
