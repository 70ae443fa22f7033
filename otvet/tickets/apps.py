from __future__ import annotations

from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "otvet.tickets"
    label = "tickets"
    verbose_name = "Tickets"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from otvet.tickets.models import Line, Status
        from otvet.tickets.services.common import default_statuses_forget
        from otvet.tickets.services.lines import default_line_forget

        # Keeps the cached default statuses true (a cache, not domain logic).
        post_save.connect(default_statuses_forget, sender=Status, dispatch_uid="otvet-default-status-save")
        post_delete.connect(default_statuses_forget, sender=Status, dispatch_uid="otvet-default-status-delete")
        post_save.connect(default_line_forget, sender=Line, dispatch_uid="otvet-default-line-save")
        post_delete.connect(default_line_forget, sender=Line, dispatch_uid="otvet-default-line-delete")
