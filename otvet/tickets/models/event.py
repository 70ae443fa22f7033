"""TicketEvent: the audit trail, the timeline and the outbox in one row per change."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from otvet.core import clock
from otvet.tickets.choices import AuthorKind, EventKind


class TicketEvent(models.Model):
    """Who changed what on a ticket, when, from which value to which; processed after commit."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    actor_kind = models.CharField(_("actor kind"), max_length=16, choices=AuthorKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    # {"field": [old, new], ...} with plain JSON values (ids, codes, ISO moments).
    changes = models.JSONField(default=dict, blank=True)
    message = models.ForeignKey("tickets.Message", on_delete=models.SET_NULL, null=True, blank=True)
    note = models.TextField(blank=True)
    # The automation rule whose action this was («by rule …»); such events run no trigger rules themselves.
    rule = models.ForeignKey("automation.Rule", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [
            models.Index(fields=["ticket", "created_at", "id"], name="event_ticket_order"),
            models.Index(fields=["created_at", "id"], condition=Q(processed_at__isnull=True), name="event_outbox"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on #{self.ticket_id}"
