"""Named constants of notifications (STYLE.md rule 9)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    """Whom a notification of a ticket goes to; the labels complete «Notified: …» on the timeline."""

    AGENT = "agent", _("the agent")
    ASSIGNEE = "assignee", _("the assignee")
    LINE = "line", _("the members of the line")
    SUPERVISORS = "supervisors", _("the supervisors")
    CUSTOMER = "customer", _("the customer")
