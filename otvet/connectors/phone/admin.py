"""Admin for the PBX's call log: read-only records, searchable by number and call id."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from otvet.connectors.models import CallRecord


@admin.register(CallRecord)
class CallRecordAdmin(admin.ModelAdmin):
    list_display = ["started_at", "direction", "status", "customer_number", "duration", "state", "contact", "ticket"]
    list_filter = ["direction", "status", "state"]
    search_fields = ["call_id", "customer_number", "caller", "callee"]
    list_select_related = ["contact", "ticket"]
    raw_id_fields = ["contact", "ticket", "message"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in CallRecord._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
