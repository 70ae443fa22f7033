"""Statuses, lines, plans, criticality levels and rating marks every installation starts with."""

from __future__ import annotations

from django.db import migrations

from otvet.tickets import reference


def load(apps, schema_editor):
    Status = apps.get_model("tickets", "Status")
    Line = apps.get_model("tickets", "Line")
    Criticality = apps.get_model("tickets", "Criticality")
    RatingMark = apps.get_model("tickets", "RatingMark")
    Plan = apps.get_model("customers", "Plan")
    for order, (code, category, ru, en, cru, cen, colour, default) in enumerate(reference.STATUSES):
        Status.objects.get_or_create(
            code=code,
            defaults=dict(category=category, name_ru=ru, name_en=en, customer_name_ru=cru, customer_name_en=cen,
                          colour=colour, order=order, is_default=default),
        )
    for order, (code, ru, en, default) in enumerate(reference.LINES):
        Line.objects.get_or_create(code=code, defaults=dict(name_ru=ru, name_en=en, order=order, is_default=default))
    for code, ru, en, rank in reference.PLANS:
        Plan.objects.get_or_create(code=code, defaults=dict(name_ru=ru, name_en=en, rank=rank))
    for order, (code, ru, en) in enumerate(reference.CRITICALITY):
        Criticality.objects.get_or_create(code=code, defaults=dict(name_ru=ru, name_en=en, order=order))
    for order, (code, ru, en, score) in enumerate(reference.RATING_MARKS):
        RatingMark.objects.get_or_create(code=code, defaults=dict(name_ru=ru, name_en=en, score=score, order=order))


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial"), ("customers", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
