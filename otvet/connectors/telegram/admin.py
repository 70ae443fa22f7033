"""Admin for Telegram bots (the token is write-only) and the messenger update log (read-only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from otvet.connectors.models import InboundMessage, TelegramBot
from otvet.connectors.models.mailbox import SECRET_MASK

SECRETS = ("token", "webhook_secret")


class TelegramBotForm(forms.ModelForm):
    """The token and the webhook secret are write-only: shown masked, kept when left empty."""

    class Meta:
        model = TelegramBot
        fields = ["name", "username", "token", "webhook_secret", "is_active", "polling", "line"]
        widgets = {name: forms.PasswordInput(render_value=False) for name in SECRETS}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SECRETS:
            if self.instance.pk and getattr(self.instance, name):
                self.fields[name].required = False
                self.fields[name].widget.attrs["placeholder"] = SECRET_MASK
                self.fields[name].help_text = _("Stored. Leave empty to keep it.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in SECRETS:
            if not cleaned.get(name) and self.instance.pk:
                cleaned[name] = getattr(TelegramBot.objects.get(pk=self.instance.pk), name)
                self.errors.pop(name, None)
        return cleaned


class TelegramBotAdmin(admin.ModelAdmin):
    form = TelegramBotForm
    list_display = ["name", "username", "is_active", "polling", "line", "last_polled_at", "last_error"]
    list_filter = ["is_active", "polling"]
    readonly_fields = ["last_polled_at", "last_error"]


class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ["received_at", "channel", "kind", "chat_id", "state", "ticket_link", "reason"]
    list_filter = ["channel", "state", "kind"]
    search_fields = ["dedupe_key", "chat_id", "sender_id"]
    date_hierarchy = "received_at"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in InboundMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("ticket"))
    def ticket_link(self, row: InboundMessage) -> str:
        if row.ticket_id is None:
            return "—"
        return format_html('<a href="{}">#{}</a>', reverse("workspace-ticket", args=[row.ticket_id]), row.ticket_id)


admin.site.register(TelegramBot, TelegramBotAdmin)
admin.site.register(InboundMessage, InboundMessageAdmin)
