from __future__ import annotations

from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "otvet.sla"
    label = "sla"
    verbose_name = "SLA"
