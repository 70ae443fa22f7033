"""Outbound messages per channel, with their delivery state (shown to agents) and retry bookkeeping."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from otvet.connectors.choices import DeliveryPurpose, DeliveryState
from otvet.core import clock
from otvet.tickets.choices import Channel


class Delivery(models.Model):
    """One thing we send on one channel: a public reply or a notification to the customer."""

    # What makes sending it twice impossible: e.g. "email:reply:<message id>", "email:notify:<event id>".
    key = models.CharField(max_length=120, unique=True)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="deliveries")
    message = models.ForeignKey(
        "tickets.Message", on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=16, choices=DeliveryPurpose.choices)
    template = models.CharField(_("template"), max_length=40, blank=True)
    mailbox = models.ForeignKey(
        "connectors.Mailbox", on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    recipients = models.JSONField(_("recipients"), default=list)
    cc = models.JSONField(_("CC"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    # The channel's id of what we sent: our Message-ID for email (replies thread by it), a chat message id else.
    external_id = models.CharField(_("external id"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=DeliveryState.choices, default=DeliveryState.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="delivery_ticket"),
            models.Index(fields=["next_attempt_at"], name="delivery_due", condition=Q(state="queued")),
            models.Index(fields=["channel", "external_id"], name="delivery_external_id", condition=~Q(external_id="")),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"
