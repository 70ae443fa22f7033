"""A Telegram bot that customers write to; its token is write-only wherever it is shown."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from otvet.core.models import TimeStamped


class TelegramBot(TimeStamped):
    """A configured bot [Telegram-бот]: updates come by webhook (checked by its secret) or by long polling."""

    name = models.CharField(_("name"), max_length=120)
    username = models.CharField(
        _("username"),
        max_length=64,
        blank=True,
        help_text=_("Without @; the portal's «Connect Telegram» link uses it."),
    )
    token = models.CharField(_("token"), max_length=255, help_text=_("From @BotFather."))
    webhook_secret = models.CharField(
        _("webhook secret"),
        max_length=256,
        unique=True,
        help_text=_("Sent by Telegram in X-Telegram-Bot-Api-Secret-Token (setWebhook's secret_token)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    polling = models.BooleanField(
        _("long polling"), default=False, help_text=_("Fetch updates with `otvet telegram_poll` instead of a webhook.")
    )
    line = models.ForeignKey(
        "tickets.Line", verbose_name=_("line"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    poll_offset = models.BigIntegerField(default=0, editable=False)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)

    class Meta:
        verbose_name = _("Telegram bot")
        verbose_name_plural = _("Telegram bots")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (@{self.username})" if self.username else self.name
