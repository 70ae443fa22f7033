"""Rules [Автоматизация]: a trigger (events) or a timer (a duration since a ticket timestamp), conditions as
JSON over a whitelist (automation/conditions.py), actions mapped to services (automation/actions.py)."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from otvet.automation.choices import FiringOutcome, RuleKind, TimerAnchor
from otvet.core.models import TimeStamped


class Rule(TimeStamped):
    """One automation rule; switched on and off one by one, run in `order`."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=RuleKind.choices)
    is_active = models.BooleanField(_("on"), default=False)
    order = models.PositiveIntegerField(_("order"), default=100)
    # Trigger rules: the event kinds (tickets.choices.EventKind values) that run them.
    events = models.JSONField(_("events"), default=list, blank=True)
    # Timer rules: fire `minutes` after the ticket's `anchor` timestamp, counted in working or calendar time.
    anchor = models.CharField(_("counted from"), max_length=32, choices=TimerAnchor.choices, blank=True)
    minutes = models.PositiveIntegerField(_("minutes"), null=True, blank=True, validators=[MinValueValidator(1)])
    business_time = models.BooleanField(_("in working time"), default=False)
    # {"all": [...]} / {"any": [...]} of {"field", "op", "value"}; see automation/conditions.py.
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    # [{"type": "set_status", ...}, ...]; see automation/actions.py.
    actions = models.JSONField(_("actions"), default=list)
    # Set for the shipped presets, so that loading them again updates rather than duplicates.
    preset = models.SlugField(_("preset"), max_length=60, blank=True)
    fired_count = models.PositiveIntegerField(_("fired"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    last_fired_at = models.DateTimeField(_("last fired"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        constraints = [models.UniqueConstraint(fields=["preset"], condition=~Q(preset=""), name="one_rule_per_preset")]

    def __str__(self) -> str:
        return self.name


class RuleFiring(models.Model):
    """That a rule fired (or failed, or would have fired) on a ticket in one episode; an episode fires once."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="firings")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="rule_firings")
    # A trigger's episode is its event ("event:123"); a timer's the anchor moment it counted from.
    episode = models.CharField(max_length=64)
    outcome = models.CharField(_("outcome"), max_length=8, choices=FiringOutcome.choices)
    error = models.TextField(_("error"), blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("rule firing")
        verbose_name_plural = _("rule firings")
        constraints = [
            models.UniqueConstraint(fields=["rule", "ticket", "episode"], name="rule_fires_once_per_episode")
        ]
        indexes = [models.Index(fields=["rule", "-at"], name="rule_firing_recent")]

    def __str__(self) -> str:
        return f"{self.rule} on #{self.ticket_id} ({self.outcome})"
