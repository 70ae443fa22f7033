"""Messenger input exactly as it arrived (a Telegram update, a VK event, ...), stored before anything else."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from otvet.connectors.choices import InboundState
from otvet.core import clock
from otvet.tickets.choices import Channel


class InboundMessage(models.Model):
    """One received messenger update: the raw body first, then what processing made of it."""

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    # Which of our accounts on the channel received it (a TelegramBot's pk for Telegram).
    account = models.CharField(_("account"), max_length=64)
    # "<channel>:<account>:<the channel's update id>": an update delivered twice (webhook retry, polling after a
    # webhook) is stored once.
    dedupe_key = models.CharField(max_length=200, unique=True)
    raw = models.TextField(_("original"))
    kind = models.CharField(_("update type"), max_length=40, blank=True)
    chat_id = models.CharField(_("chat"), max_length=64, blank=True)
    sender_id = models.CharField(_("sender"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("received"), default=clock.now)

    state = models.CharField(_("state"), max_length=16, choices=InboundState.choices, default=InboundState.PENDING)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_messages"
    )
    message = models.ForeignKey(
        "tickets.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_messages"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(_("error"), blank=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        indexes = [
            models.Index(fields=["state", "received_at", "id"], name="inbound_message_state"),
            # The reply channel and the chat to answer in: the customer's latest update on the ticket.
            models.Index(fields=["ticket", "channel", "received_at"], name="inbound_message_ticket"),
        ]

    def __str__(self) -> str:
        return self.dedupe_key
