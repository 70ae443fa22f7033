"""Replies to VK by messages.send: the text, with links to the reply's files (VK's upload takes three calls)."""

from __future__ import annotations

import hashlib

from django.utils.translation import gettext as _

from otvet.connectors.base import TransportError
from otvet.connectors.messages import messenger_delivery_send
from otvet.connectors.models import Delivery, InboundMessage, VkCommunity
from otvet.connectors.urlfiles import attachment_public_url
from otvet.connectors.vk.api import VkApi
from otvet.tickets.choices import Channel

MAX_TEXT = 4096  # messages.send: longer texts are refused


def random_id(key: str, part: int) -> int:
    """messages.send's random_id: the same for every attempt of one part, so VK drops a repeat (int32, not 0)."""
    digest = hashlib.sha256(f"{key}:{part}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF or 1


class VkTransport:
    """Sends a delivery as the community the customer last wrote to (else the first active one)."""

    def __init__(self, community: VkCommunity) -> None:
        self.community = community
        self.api = VkApi(community.access_token)

    def send(self, delivery: Delivery, *, sent: list[str]) -> None:
        """Send the parts not sent yet, appending each sent message's id to `sent` as it goes."""
        peer_id = delivery.recipients[0] if delivery.recipients else ""
        if not peer_id:
            raise TransportError(_("No dialogue to send to."), permanent=True)
        for index, text in enumerate(reply_texts(delivery)):
            if index < len(sent):  # sent by an earlier attempt
                continue
            params = {"peer_id": peer_id, "message": text, "random_id": random_id(delivery.key, index)}
            message_id = self.api.call("messages.send", params)
            sent.append(f"{self.community.pk}:{peer_id}:{message_id}")


def reply_texts(delivery: Delivery) -> list[str]:
    """The reply's text followed by a link to each of its files, cut into messages VK accepts."""
    message = delivery.message
    if message is None:
        return []
    text = message.body_text.strip()
    links = [f"{a.filename}: {attachment_public_url(a)}" for a in message.attachments.order_by("pk")]
    if links:
        text = "\n\n".join(part for part in (text, _("Files:") + "\n" + "\n".join(links)) if part)
    return [text[start : start + MAX_TEXT] for start in range(0, len(text), MAX_TEXT)]


def transport_for(delivery: Delivery) -> VkTransport:
    """The community of the dialogue: the one that received the customer's latest event on the ticket."""
    account = (
        InboundMessage.objects.filter(ticket=delivery.ticket_id, channel=Channel.VK)
        .order_by("-received_at", "-id")
        .values_list("account", flat=True)
        .first()
    )
    communities = VkCommunity.objects.filter(is_active=True)
    community = (communities.filter(pk=account).first() if account and account.isdigit() else None) or (
        communities.order_by("pk").first()
    )
    if community is None:
        raise TransportError(_("No active VK community is configured."), permanent=False)
    return VkTransport(community)


def vk_delivery_send(delivery_id: int) -> str:
    """Send one queued VK delivery (the job's body); its state afterwards."""
    return messenger_delivery_send(delivery_id, transport_for)
