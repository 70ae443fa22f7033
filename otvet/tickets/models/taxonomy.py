"""Configurable vocabularies: statuses, lines (queues), criticality levels, categories."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from otvet.core.models import Bilingual
from otvet.tickets.choices import AssignmentMode, StatusCategory


class Status(Bilingual):
    """A configurable status with agent and customer labels; `category` is what code reasons with."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=StatusCategory.choices)
    customer_name_ru = models.CharField(_("customer label (ru)"), max_length=120)
    customer_name_en = models.CharField(_("customer label (en)"), max_length=120)
    colour = models.CharField(_("badge colour"), max_length=20, default="secondary")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_default = models.BooleanField(
        _("default of its category"), default=False, help_text=_("Used when the system moves a ticket here.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("status")
        verbose_name_plural = _("statuses")
        constraints = [
            models.UniqueConstraint(
                fields=["category"],
                condition=models.Q(is_default=True),
                name="one_default_status_per_category",
            )
        ]

    @property
    def customer_name(self) -> str:
        return self.customer_name_en if (get_language() or "ru").startswith("en") else self.customer_name_ru

    @property
    def is_open(self) -> bool:
        return self.category in StatusCategory.open_values()


class Line(Bilingual):
    """A line or team [линия] that works a queue; a partner's own lines are invisible to platform agents."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    partner = models.ForeignKey(
        "customers.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        help_text=_("Set for a partner's own first line."),
    )
    members = models.ManyToManyField("accounts.Agent", blank=True, related_name="lines", verbose_name=_("members"))
    is_default = models.BooleanField(_("default intake line"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    calendar = models.ForeignKey(
        "sla.Calendar",
        verbose_name=_("working calendar"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Working hours of this line; the company's calendar wins, the default calendar otherwise."),
    )
    assignment = models.CharField(
        _("auto-assignment"), max_length=16, choices=AssignmentMode.choices, default=AssignmentMode.OFF
    )

    class Meta:
        ordering = ["order"]
        verbose_name = _("line")
        verbose_name_plural = _("lines")


class Criticality(Bilingual):
    """How badly the problem hurts the customer [критичность]; configurable levels."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("criticality level")
        verbose_name_plural = _("criticality levels")


class Category(Bilingual):
    """A node of the request category tree."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name_ru"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    @property
    def path(self) -> str:
        return f"{self.parent.path} / {self.name}" if self.parent is not None else self.name


class Tag(models.Model):
    """A free label on tickets, set by agents and rules."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    colour = models.CharField(_("badge colour"), max_length=20, default="secondary")

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name
