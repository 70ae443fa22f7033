"""Seed the editable notification texts (Russian and English)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from otvet.connectors.email.default_templates import DEFAULT_TEMPLATES


def seed(apps: Any, schema_editor: Any) -> None:
    EmailTemplate = apps.get_model("connectors", "EmailTemplate")
    for code, languages in DEFAULT_TEMPLATES.items():
        for language, (subject, body) in languages.items():
            EmailTemplate.objects.get_or_create(
                code=code, language=language, defaults={"subject": subject, "body": body}
            )


class Migration(migrations.Migration):
    dependencies = [("connectors", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
