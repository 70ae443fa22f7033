from __future__ import annotations

from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "otvet.automation"
    label = "automation"
    verbose_name = "Automation"
