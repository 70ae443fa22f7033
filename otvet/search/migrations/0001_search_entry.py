from __future__ import annotations

from django.db import migrations

from otvet.search import backends


def forwards(apps, schema_editor):
    backends.create_schema(schema_editor)


def backwards(apps, schema_editor):
    backends.drop_schema(schema_editor)


class Migration(migrations.Migration):
    initial = True
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
