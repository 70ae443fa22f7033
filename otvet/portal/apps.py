from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "otvet.portal"
    label = "portal"
    verbose_name = "Customer portal"
