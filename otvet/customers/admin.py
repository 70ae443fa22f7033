"""Admin for plans, partners, companies and contacts."""

from __future__ import annotations

from django.contrib import admin

from otvet.customers.models import Company, Contact, ContactIdentity, Partner, Plan, SupportNote


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name_ru", "name_en", "code", "rank"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "own_first_line", "created_at"]
    list_filter = ["own_first_line"]
    search_fields = ["name"]


class SupportNoteInline(admin.TabularInline):
    model = SupportNote
    fields = ["body", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "partner", "external_id"]
    list_filter = ["plan", "partner"]
    search_fields = ["name", "external_id"]
    list_select_related = ["plan", "partner"]
    inlines = [SupportNoteInline]


class IdentityInline(admin.TabularInline):
    model = ContactIdentity
    extra = 0


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "phone", "company", "is_company_admin"]
    list_filter = ["is_company_admin", "company__plan"]
    search_fields = ["name", "email", "phone", "identities__value"]
    autocomplete_fields = ["company", "user"]
    list_select_related = ["company"]
    inlines = [IdentityInline]
