"""Named constants of the SLA domain, with labels and badge colours (STYLE.md rule 9)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class SlaTarget(models.TextChoices):
    """The clocks a policy runs on a ticket."""

    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")


class SlaState(models.TextChoices):
    """Where a ticket's nearest SLA clock stands; lists show it as a badge with the time left."""

    NONE = "", _("No SLA")
    DUE = "due", _("Due")
    PAUSED = "paused", _("Paused")
    BREACHED = "breached", _("Breached")
    MET = "met", _("Met")

    @property
    def colour(self) -> str:
        return {"": "light", "due": "primary", "paused": "secondary", "breached": "danger", "met": "success"}[
            self.value
        ]


class ClockEntryKind(models.TextChoices):
    """One line of the clock timeline on a ticket: when a clock ran, paused, and why."""

    STARTED = "started", _("Started")
    PAUSED = "paused", _("Paused")
    RESUMED = "resumed", _("Resumed")
    WARNED = "warned", _("Warning")
    BREACHED = "breached", _("Breached")
    MET = "met", _("Met")
    RESTARTED = "restarted", _("Restarted")
    CANCELLED = "cancelled", _("Cancelled")
