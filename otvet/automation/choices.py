"""Named constants of automation (STYLE.md rule 9)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleKind(models.TextChoices):
    TRIGGER = "trigger", _("On an event")
    TIMER = "timer", _("After a time")


class TimerAnchor(models.TextChoices):
    """The ticket timestamp a timer rule counts from; each is a column of the ticket."""

    CREATED = "created_at", _("Created")
    STATUS_CHANGED = "status_changed_at", _("Status changed")
    CLAIMED = "claimed_at", _("Claimed («I'll answer»)")
    LAST_CUSTOMER_MESSAGE = "last_customer_message_at", _("Last customer message")
    LAST_AGENT_MESSAGE = "last_agent_message_at", _("Last agent message")
    LAST_INTERACTION = "last_interaction_at", _("Last message of anyone")
    UPDATED = "updated_at", _("Last activity")
    RESOLVED = "resolved_at", _("Solved")


class TimerState(models.TextChoices):
    PENDING = "pending", _("Pending")
    FIRED = "fired", _("Fired")


class FiringOutcome(models.TextChoices):
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    DRY = "dry", _("Would fire")
