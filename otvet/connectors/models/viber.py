"""A Viber bot that customers write to; its auth token is write-only wherever it is shown."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from otvet.core.models import TimeStamped


class ViberBot(TimeStamped):
    """A Viber bot [Viber-бот]: callbacks at /hooks/viber/ are signed with its auth token."""

    # Viber shows it as the sender of our messages: at most 28 characters.
    name = models.CharField(_("name"), max_length=28)
    auth_token = models.CharField(
        _("auth token"), max_length=128, unique=True, help_text=_("From the Viber Admin Panel (partners.viber.com).")
    )
    welcome_text = models.TextField(
        _("welcome message"),
        blank=True,
        help_text=_("Shown when a user opens the conversation with the bot; empty: none."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    line = models.ForeignKey(
        "tickets.Line", verbose_name=_("line"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Viber bot")
        verbose_name_plural = _("Viber bots")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
