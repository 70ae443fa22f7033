"""Timers: indexed deadline rows the sweeper claims with a conditional UPDATE (STYLE.md rule 6).

One row per ticket and purpose ("rule:12", "sla:resolution:warn"); re-armed with a new due moment and
episode when the moment it counts from changes, kept as fired otherwise, so that an episode fires once.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from otvet.automation.choices import TimerState


class Timer(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="timers")
    key = models.CharField(max_length=64)
    due_at = models.DateTimeField()
    episode = models.CharField(max_length=64)
    state = models.CharField(max_length=8, choices=TimerState.choices, default=TimerState.PENDING)
    fired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "key"], name="one_timer_per_ticket_key")]
        # The sweep reads only what is due: the pending rows, by due moment.
        indexes = [models.Index(fields=["due_at", "id"], condition=Q(state=TimerState.PENDING), name="timer_due")]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.key} at {self.due_at:%Y-%m-%d %H:%M}"
