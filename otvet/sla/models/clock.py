"""The SLA clocks of a ticket and their timeline: when each ran, paused, warned, was met or breached, and why."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from otvet.core import clock
from otvet.sla.choices import ClockEntryKind, SlaState, SlaTarget


class SlaClock(models.Model):
    """One target's clock on one ticket; the due moment is mirrored into an indexed column of the ticket."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="sla_clocks")
    target = models.CharField(_("target"), max_length=20, choices=SlaTarget.choices)
    policy = models.ForeignKey("sla.SlaPolicy", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    state = models.CharField(_("state"), max_length=12, choices=SlaState.choices, default=SlaState.DUE)
    started_at = models.DateTimeField(_("started"), default=clock.now)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # While paused the due moment is unknown: what was left of the target, in seconds of (working) time.
    remaining_seconds = models.PositiveIntegerField(null=True, blank=True)
    paused_at = models.DateTimeField(_("paused"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached"), null=True, blank=True)
    met_at = models.DateTimeField(_("met"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        constraints = [models.UniqueConstraint(fields=["ticket", "target"], name="one_sla_clock_per_target")]
        indexes = [models.Index(fields=["target", "state", "started_at"], name="sla_clock_report")]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.get_target_display()}: {self.get_state_display()}"


class SlaClockEntry(models.Model):
    """A line of a ticket's clock timeline."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="sla_entries")
    target = models.CharField(_("target"), max_length=20, choices=SlaTarget.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=ClockEntryKind.choices)
    at = models.DateTimeField(_("at"), default=clock.now)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("SLA clock entry")
        verbose_name_plural = _("SLA clock entries")
        indexes = [models.Index(fields=["ticket", "at", "id"], name="sla_entry_ticket")]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.target} {self.kind} {self.at:%Y-%m-%d %H:%M}"
