"""Seed SLA policies for the seeded plans (Базовый, Комфорт, Премиум) and for tickets without a company.

Targets are working minutes of the ticket's calendar (weekdays 10:00–22:00 by default: a working day is 12 hours);
an urgent ticket gets tighter ones. Admins edit them afterwards; a policy that exists already is left alone.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

URGENT = 40
# plan code (None: tickets without a company), priority (None: any), name,
# first response, next response, resolution (minutes), warning before a breach (minutes)
POLICIES = [
    (None, None, "Без тарифа", 480, 960, 4320, 60),
    (None, URGENT, "Без тарифа, срочно", 60, 120, 720, 15),
    ("basic", None, "Базовый", 240, 480, 2880, 30),
    ("basic", URGENT, "Базовый, срочно", 60, 120, 720, 15),
    ("comfort", None, "Комфорт", 120, 240, 1440, 30),
    ("comfort", URGENT, "Комфорт, срочно", 30, 60, 480, 10),
    ("premium", None, "Премиум", 30, 60, 720, 10),
    ("premium", URGENT, "Премиум, срочно", 15, 30, 240, 5),
]  # fmt: skip


def seed(apps: Any, schema_editor: Any) -> None:
    policy_model = apps.get_model("sla", "SlaPolicy")
    plans = {plan.code: plan for plan in apps.get_model("customers", "Plan").objects.all()}
    for code, priority, name, first, following, resolution, warn in POLICIES:
        plan = plans.get(code) if code is not None else None
        if code is not None and plan is None:
            continue  # the plan was renamed or removed before this migration ran
        if policy_model.objects.filter(plan=plan, priority=priority).exists():
            continue
        policy_model.objects.create(
            name=name,
            plan=plan,
            priority=priority,
            first_response_minutes=first,
            next_response_minutes=following,
            resolution_minutes=resolution,
            business_time=True,
            warn_before_minutes=warn,
        )


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("sla", "SlaPolicy").objects.filter(name__in=[row[2] for row in POLICIES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0002_default_calendar"),
        ("tickets", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
