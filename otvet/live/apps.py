"""Live collaboration: presence on a ticket, collision warnings, pushed updates (docs/live.md)."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "otvet.live"
    label = "live"
    verbose_name = _("Live collaboration")
