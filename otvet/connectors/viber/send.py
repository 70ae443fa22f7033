"""Replies to Viber by send_message: the text, then each file by its signed link (a picture or a file message)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from otvet.connectors.base import TransportError
from otvet.connectors.messages import messenger_delivery_send
from otvet.connectors.models import Delivery, InboundMessage, ViberBot
from otvet.connectors.urlfiles import attachment_public_url
from otvet.connectors.viber.api import ViberApi
from otvet.tickets.choices import Channel

MAX_TEXT = 7000  # send_message: the text of a message is at most 7,000 characters
PICTURE_TYPES = ("image/jpeg", "image/png", "image/gif")
PICTURE_MAX_BYTES = 1024 * 1024  # larger pictures go as files


class ViberTransport:
    """Sends a delivery as the bot the customer last wrote to (else the first active bot)."""

    def __init__(self, bot: ViberBot) -> None:
        self.bot = bot
        self.api = ViberApi(bot.auth_token)

    def send(self, delivery: Delivery, *, sent: list[str]) -> None:
        """Send the parts not sent yet, appending each sent message's token to `sent` as it goes."""
        receiver = delivery.recipients[0] if delivery.recipients else ""
        if not receiver:
            raise TransportError(_("No Viber user to send to."), permanent=True)
        for index, part in enumerate(reply_parts(delivery)):
            if index < len(sent):  # sent by an earlier attempt
                continue
            payload = {"receiver": receiver, "sender": {"name": self.bot.name}, **part}
            answer = self.api.call("send_message", payload)
            sent.append(f"{self.bot.pk}:{receiver}:{answer.get('message_token', '')}")


def reply_parts(delivery: Delivery) -> list[dict[str, Any]]:
    """The reply's text, cut into messages Viber accepts, then one message per file."""
    message = delivery.message
    if message is None:
        return []
    text = message.body_text.strip()
    parts: list[dict[str, Any]] = [
        {"type": "text", "text": text[start : start + MAX_TEXT]} for start in range(0, len(text), MAX_TEXT)
    ]
    for attachment in message.attachments.order_by("pk"):
        url = attachment_public_url(attachment)
        if attachment.content_type in PICTURE_TYPES and attachment.size <= PICTURE_MAX_BYTES:
            parts.append({"type": "picture", "text": "", "media": url})
        else:
            parts.append({"type": "file", "media": url, "size": attachment.size, "file_name": attachment.filename})
    return parts


def transport_for(delivery: Delivery) -> ViberTransport:
    """The bot of the conversation: the one that received the customer's latest callback on the ticket."""
    account = (
        InboundMessage.objects.filter(ticket=delivery.ticket_id, channel=Channel.VIBER)
        .order_by("-received_at", "-id")
        .values_list("account", flat=True)
        .first()
    )
    bots = ViberBot.objects.filter(is_active=True)
    bot = (bots.filter(pk=account).first() if account and account.isdigit() else None) or bots.order_by("pk").first()
    if bot is None:
        raise TransportError(_("No active Viber bot is configured."), permanent=False)
    return ViberTransport(bot)


def viber_delivery_send(delivery_id: int) -> str:
    """Send one queued Viber delivery (the job's body); its state afterwards."""
    return messenger_delivery_send(delivery_id, transport_for)
