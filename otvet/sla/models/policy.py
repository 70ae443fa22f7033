"""SLA policies: first response, next response and resolution targets by plan and priority."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from otvet.tickets.choices import Priority


class SlaPolicy(models.Model):
    """Targets for the tickets of a plan and priority; empty plan or priority matches any, the most specific wins."""

    name = models.CharField(_("name"), max_length=120)
    plan = models.ForeignKey(
        "customers.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, null=True, blank=True)
    first_response_minutes = models.PositiveIntegerField(
        _("first response, minutes"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    next_response_minutes = models.PositiveIntegerField(
        _("next response, minutes"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution, minutes"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    business_time = models.BooleanField(
        _("in working time"), default=True, help_text=_("Count only the working hours of the ticket's calendar.")
    )
    warn_before_minutes = models.PositiveIntegerField(
        _("warn before a breach, minutes"), default=30, help_text=_("0 turns the warning off.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["plan__rank", "priority", "name"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "priority"], name="one_sla_policy_per_plan_priority", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The constraint treats empty plan and priority as equal on PostgreSQL; SQLite cannot, so say it here.
        twins = SlaPolicy.objects.filter(plan=self.plan, priority=self.priority).exclude(pk=self.pk)
        if twins.exists():
            raise ValidationError(_("Another policy already covers this plan and priority."))

    def minutes_for(self, target: str) -> int | None:
        """The target's length in minutes, or None when this policy does not set it."""
        value: int | None = getattr(self, f"{target}_minutes")
        return value
