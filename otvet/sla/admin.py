"""Admin for working calendars (hours and overrides inline) and SLA policies."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.contrib import admin
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from otvet.sla.calendars import hours_text, working_calendar
from otvet.sla.models import Calendar, CalendarHours, CalendarOverride, SlaPolicy


class CalendarForm(forms.ModelForm):
    # A list rather than free text: a misspelt zone would only fail when a deadline is computed.
    time_zone = forms.ChoiceField(
        label=_("time zone"), choices=[(zone, zone) for zone in sorted(zoneinfo.available_timezones())]
    )

    class Meta:
        model = Calendar
        fields = ["name", "time_zone", "russian_holidays", "is_default"]


class CalendarHoursInline(admin.TabularInline):
    model = CalendarHours
    extra = 0


class CalendarOverrideInline(admin.TabularInline):
    model = CalendarOverride
    extra = 0
    fields = ["date", "opens", "closes", "note"]


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    form = CalendarForm
    list_display = ["name", "time_zone", "russian_holidays", "is_default"]
    list_filter = ["russian_holidays", "is_default"]
    search_fields = ["name"]
    readonly_fields = ["summary"]
    inlines = [CalendarHoursInline, CalendarOverrideInline]

    @admin.display(description=_("usual hours"))
    def summary(self, calendar: Calendar) -> str:
        if calendar.pk is None:
            return ""
        return hours_text(working_calendar(calendar), get_language() or "ru")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "plan",
        "priority",
        "first_response_minutes",
        "next_response_minutes",
        "resolution_minutes",
        "business_time",
        "is_active",
    ]
    list_editable = ["is_active"]
    list_filter = ["plan", "priority", "business_time", "is_active"]
    list_select_related = ["plan"]
    search_fields = ["name"]
