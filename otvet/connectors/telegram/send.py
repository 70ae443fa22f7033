"""Replies to Telegram: the text by sendMessage, then each file by sendPhoto (images) or sendDocument."""

from __future__ import annotations

from django.utils.translation import gettext as _

from otvet.connectors.base import TransportError
from otvet.connectors.messages import messenger_delivery_send
from otvet.connectors.models import Delivery, InboundMessage, TelegramBot
from otvet.connectors.telegram.api import BotApi
from otvet.tickets.choices import Channel

MAX_TEXT = 4096  # Bot API: sendMessage text is 1-4096 characters
PHOTO_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
PHOTO_MAX_BYTES = 10 * 1024 * 1024  # larger images go as documents


class TelegramTransport:
    """Sends a delivery as the bot the customer last wrote to (else the first active bot)."""

    def __init__(self, bot: TelegramBot) -> None:
        self.bot = bot
        self.api = BotApi(bot.token)

    def send(self, delivery: Delivery, *, sent: list[str]) -> None:
        """Send the parts not sent yet, appending each sent message's id to `sent` as it goes."""
        chat_id = delivery.recipients[0] if delivery.recipients else ""
        if not chat_id:
            raise TransportError(_("No chat to send to."), permanent=True)
        for index, part in enumerate(self._parts(delivery)):
            if index < len(sent):  # sent by an earlier attempt
                continue
            method, data, files = part
            result = self.api.call(method, {"chat_id": chat_id, **data}, files=files)
            message_id = result.get("message_id", "") if isinstance(result, dict) else ""
            sent.append(f"{self.bot.pk}:{chat_id}:{message_id}")

    def _parts(self, delivery: Delivery) -> list[tuple[str, dict[str, str], dict[str, tuple[str, bytes, str]] | None]]:
        message = delivery.message
        if message is None:
            return []
        parts: list[tuple[str, dict[str, str], dict[str, tuple[str, bytes, str]] | None]] = []
        text = message.body_text.strip()
        for start in range(0, len(text), MAX_TEXT):
            parts.append(("sendMessage", {"text": text[start : start + MAX_TEXT]}, None))
        for attachment in message.attachments.order_by("pk"):
            with attachment.file.open("rb") as handle:
                content = handle.read()
            upload = (attachment.filename, content, attachment.content_type)
            if attachment.content_type in PHOTO_TYPES and attachment.size <= PHOTO_MAX_BYTES:
                parts.append(("sendPhoto", {}, {"photo": upload}))
            else:
                parts.append(("sendDocument", {}, {"document": upload}))
        return parts


def transport_for(delivery: Delivery) -> TelegramTransport:
    """The bot of the chat: the one that received the customer's latest update on the ticket."""
    account = (
        InboundMessage.objects.filter(ticket=delivery.ticket_id, channel=Channel.TELEGRAM)
        .order_by("-received_at", "-id")
        .values_list("account", flat=True)
        .first()
    )
    bots = TelegramBot.objects.filter(is_active=True)
    bot = (bots.filter(pk=account).first() if account and account.isdigit() else None) or bots.order_by("pk").first()
    if bot is None:
        raise TransportError(_("No active Telegram bot is configured."), permanent=False)
    return TelegramTransport(bot)


def telegram_delivery_send(delivery_id: int) -> str:
    """Send one queued Telegram delivery (the job's body); its state afterwards."""
    return messenger_delivery_send(delivery_id, transport_for)
