"""Admin for chat widgets (with the snippet to paste and a preview link) and the visitor list (read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from otvet.connectors.models import ChatVisitor, ChatWidget
from otvet.connectors.webchat.views import snippet_for


class ChatWidgetAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "line", "prechat_form", "is_active"]
    list_filter = ["is_active"]
    readonly_fields = ["key", "snippet"]
    fields = [
        "name",
        "is_active",
        "line",
        "allowed_origins",
        "prechat_form",
        "require_name",
        "require_email",
        "color",
        "greeting_ru",
        "greeting_en",
        "key",
        "snippet",
    ]

    @admin.display(description=_("snippet"))
    def snippet(self, widget: ChatWidget) -> str:
        if not widget.pk:
            return str(_("Save the widget to get its snippet."))
        preview = reverse("webchat-preview", args=[widget.key])
        return format_html(
            '<p>{}</p><pre style="white-space:pre-wrap">{}</pre><a href="{}" target="_blank">{}</a>',
            _("Paste this before </body> on every page of the site:"),
            snippet_for(widget),
            preview,
            _("Try it on a preview page"),
        )


class ChatVisitorAdmin(admin.ModelAdmin):
    list_display = ["public_id", "widget", "name", "email", "language", "created_at", "last_seen_at"]
    list_filter = ["widget"]
    search_fields = ["public_id", "name", "email"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in ChatVisitor._meta.fields if f.name != "token_hash"]

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["token_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


admin.site.register(ChatWidget, ChatWidgetAdmin)
admin.site.register(ChatVisitor, ChatVisitorAdmin)
