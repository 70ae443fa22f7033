"""Base model mixins shared by every app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language

from otvet.core import clock


class TimeStamped(models.Model):
    """Creation and update moments, both from the one clock."""

    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        abstract = True


class Bilingual(models.Model):
    """A configurable label kept in Russian and English; `name` answers in the active language."""

    name_ru = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "ru").startswith("en") else self.name_ru
