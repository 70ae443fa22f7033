"""Named constants of the phone channel."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CallDirection(models.TextChoices):
    INBOUND = "in", _("Incoming")
    OUTBOUND = "out", _("Outgoing")


class CallStatus(models.TextChoices):
    ANSWERED = "answered", _("Answered")
    MISSED = "missed", _("Missed")

    @property
    def colour(self) -> str:
        return {"answered": "success", "missed": "danger"}[self.value]
