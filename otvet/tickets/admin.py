"""Admin for the ticket vocabularies; tickets themselves are read-only here (services are the only writers)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from otvet.tickets.models import Category, Criticality, Line, RatingMark, SavedView, Status, Ticket


@admin.register(Status)
class StatusAdmin(admin.ModelAdmin):
    list_display = ["name_ru", "name_en", "code", "category", "customer_name_ru", "order", "is_default", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["category", "is_active"]


@admin.register(Line)
class LineAdmin(admin.ModelAdmin):
    list_display = [
        "name_ru",
        "name_en",
        "code",
        "partner",
        "calendar",
        "assignment",
        "order",
        "is_default",
        "is_active",
    ]
    list_editable = ["order", "is_active"]
    list_filter = ["partner", "assignment", "is_active"]
    filter_horizontal = ["members"]


@admin.register(Criticality)
class CriticalityAdmin(admin.ModelAdmin):
    list_display = ["name_ru", "name_en", "code", "order"]
    list_editable = ["order"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_ru", "name_en", "parent", "order", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["name_ru", "name_en"]


@admin.register(RatingMark)
class RatingMarkAdmin(admin.ModelAdmin):
    list_display = ["name_ru", "name_en", "code", "score", "order", "is_active"]
    list_editable = ["order", "is_active"]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """A read-only view for admins; changing a ticket goes through the workspace or the API."""

    list_display = ["number", "subject", "status", "priority", "line", "assignee", "company", "channel", "updated_at"]
    list_filter = ["status", "priority", "line", "channel"]
    search_fields = ["=number", "subject"]
    list_select_related = ["status", "line", "assignee__user", "company"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    """Agents' personal views, listed for support: they are created and deleted in the workspace."""

    list_display = ["name", "owner", "created_at"]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]
    readonly_fields = ["owner", "name", "params", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
