"""Calls reported by a PBX, stored as they came before they touch a ticket."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from otvet.connectors.choices import InboundState
from otvet.connectors.phone.choices import CallDirection, CallStatus
from otvet.core import clock


class CallRecord(models.Model):
    """One call from the PBX webhook: the payload as received, then the ticket it was put on."""

    # The PBX's own id: unique, so a webhook delivered twice is stored (and processed) once.
    call_id = models.CharField(_("call id"), max_length=255, unique=True)
    payload = models.JSONField(_("payload"))
    caller = models.CharField(_("caller"), max_length=40)  # E.164 when a customer's; an extension when an agent's
    callee = models.CharField(_("callee"), max_length=40)
    customer_number = models.CharField(_("customer's number"), max_length=16)  # E.164: caller in, callee out
    direction = models.CharField(_("direction"), max_length=3, choices=CallDirection.choices)
    status = models.CharField(_("call status"), max_length=10, choices=CallStatus.choices)
    started_at = models.DateTimeField(_("started"))
    duration = models.PositiveIntegerField(_("duration, s"), default=0)
    recording_url = models.URLField(_("recording"), max_length=1000, blank=True)
    received_at = models.DateTimeField(_("received"), default=clock.now)

    state = models.CharField(_("state"), max_length=16, choices=InboundState.choices, default=InboundState.PENDING)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="calls"
    )
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="calls")
    message = models.ForeignKey("tickets.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(_("error"), blank=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        indexes = [
            models.Index(fields=["state", "received_at"], name="call_record_state"),
            models.Index(fields=["customer_number", "started_at"], name="call_record_number"),
            models.Index(fields=["ticket", "started_at"], name="call_record_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.customer_number} ({self.call_id})"
