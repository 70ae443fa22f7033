from __future__ import annotations

from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "otvet.sla"
    label = "sla"
    verbose_name = "SLA"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from otvet.sla.calendars import calendars_changed
        from otvet.sla.models import Calendar, CalendarHours, CalendarOverride

        # Keeps the processes' built calendars true (a cache, not domain logic).
        for model in (Calendar, CalendarHours, CalendarOverride):
            name = model._meta.model_name
            post_save.connect(calendars_changed, sender=model, dispatch_uid=f"otvet-calendar-{name}-save")
            post_delete.connect(calendars_changed, sender=model, dispatch_uid=f"otvet-calendar-{name}-delete")
