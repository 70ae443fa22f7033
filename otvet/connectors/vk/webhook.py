"""POST /hooks/vk/: answers the confirmation request, checks each event's secret, stores it, answers "ok"."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from otvet.connectors.messages import inbound_message_store
from otvet.connectors.models import InboundMessage, VkCommunity
from otvet.connectors.vk.parse import event_facts
from otvet.tickets.choices import Channel

OK = "ok"  # VK repeats an event until it gets exactly this


@csrf_exempt
@require_POST
def vk_webhook(request: HttpRequest) -> HttpResponse:
    """VK's Callback API: `group_id` names the community; its secret key must come with every event."""
    try:
        event: Any = json.loads(request.body)
    except ValueError:
        event = None
    if not isinstance(event, dict):
        return _text("bad request", status=400)
    group_id = event.get("group_id")
    community = (
        VkCommunity.objects.filter(group_id=group_id, is_active=True).first() if isinstance(group_id, int) else None
    )
    if community is None:
        return _text("forbidden", status=403)
    if event.get("type") == "confirmation":  # the address check when the server is added: nothing to store
        return _text(community.confirmation)
    given = str(event.get("secret") or "")
    if not community.secret_key or not hmac.compare_digest(community.secret_key.encode(), given.encode()):
        return _text("forbidden", status=403)
    vk_event_store(community=community, body=request.body, event=event)
    return _text(OK)


def vk_event_store(*, community: VkCommunity, body: bytes, event: dict[str, Any]) -> tuple[InboundMessage, bool]:
    """Store one event as received, once per community and event_id (or type and message id)."""
    facts = event_facts(event)
    return inbound_message_store(
        channel=Channel.VK,
        account=str(community.pk),
        update_key=facts.event_key or f"sha256:{hashlib.sha256(body).hexdigest()}",
        raw=body.decode("utf-8", "replace"),
        kind=facts.kind,
        chat_id=facts.chat_id,
        sender_id=facts.sender_id,
    )


def _text(content: str, *, status: int = 200) -> HttpResponse:
    return HttpResponse(content, status=status, content_type="text/plain; charset=utf-8")
