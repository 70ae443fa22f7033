"""Admin for users, agents and API tokens (tokens are created with `otvet token create`)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from otvet.accounts.models import Agent, ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["name", "language", "time_zone"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})]


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "partner", "presence", "schedule", "max_open_tickets", "is_active"]
    list_filter = ["role", "partner", "is_active", "lines", "schedule"]
    search_fields = ["user__email", "user__name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "partner", "schedule"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["user__email", "name", "prefix"]
    readonly_fields = ["user", "prefix", "digest", "created_at", "last_used_at"]
    list_select_related = ["user"]

    def has_add_permission(self, request: object) -> bool:
        return False  # the plain token is shown once by `otvet token create`
