"""Admin for Viber bots: the auth token is write-only."""

from __future__ import annotations

from django.contrib import admin

from otvet.connectors.models import ViberBot
from otvet.connectors.vk.admin import WriteOnlyForm


class ViberBotForm(WriteOnlyForm):
    secrets = ("auth_token",)

    class Meta:
        model = ViberBot
        fields = ["name", "auth_token", "welcome_text", "is_active", "line"]


class ViberBotAdmin(admin.ModelAdmin):
    form = ViberBotForm
    list_display = ["name", "is_active", "line"]
    list_filter = ["is_active"]


admin.site.register(ViberBot, ViberBotAdmin)
