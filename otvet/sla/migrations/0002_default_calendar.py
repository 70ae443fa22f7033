"""Seed the working calendars of the seeds: the support hours (the default) and a round-the-clock one for duty."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import migrations

SUPPORT = "Основной график"
ROUND_THE_CLOCK = "Круглосуточно"


def seed(apps: Any, schema_editor: Any) -> None:
    calendar_model = apps.get_model("sla", "Calendar")
    hours_model = apps.get_model("sla", "CalendarHours")
    if not calendar_model.objects.filter(name=SUPPORT).exists():
        # A default set by an admin beforehand stays the default.
        is_default = not calendar_model.objects.filter(is_default=True).exists()
        support = calendar_model.objects.create(
            name=SUPPORT, time_zone="Asia/Yekaterinburg", russian_holidays=True, is_default=is_default
        )
        hours_model.objects.bulk_create(
            hours_model(calendar=support, weekday=weekday, opens=dt.time(10), closes=dt.time(22))
            for weekday in range(5)
        )
    if not calendar_model.objects.filter(name=ROUND_THE_CLOCK).exists():
        duty = calendar_model.objects.create(name=ROUND_THE_CLOCK, time_zone="Europe/Moscow", russian_holidays=False)
        # 00:00–00:00: from midnight to the midnight that ends the day.
        hours_model.objects.bulk_create(
            hours_model(calendar=duty, weekday=weekday, opens=dt.time(0), closes=dt.time(0)) for weekday in range(7)
        )


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("sla", "Calendar").objects.filter(name__in=[SUPPORT, ROUND_THE_CLOCK]).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
