from __future__ import annotations

from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "otvet.workspace"
    label = "workspace"
    verbose_name = "Agent workspace"
