"""Canned responses in the admin site: for looking up and tidying; the workspace page is where agents keep them."""

from __future__ import annotations

from django.contrib import admin

from otvet.canned.models import CannedResponse


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ("title", "shortcut", "category", "owner", "partner", "is_active", "usage_count", "updated_at")
    list_filter = ("is_active", "category")
    search_fields = ("title", "shortcut")
    raw_id_fields = ("owner", "created_by", "updated_by")
    readonly_fields = ("usage_count", "created_at", "updated_at", "created_by", "updated_by")
