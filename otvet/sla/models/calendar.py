"""Working calendars [График]: a time zone, weekly hours, the Russian production calendar and overrides."""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from otvet.sla.choices import Weekday


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone «%(zone)s»."), params={"zone": value})


class Calendar(models.Model):
    """When work happens: used by SLA clocks, business-time rules, after-hours answers and agents' shifts."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Moscow", validators=[validate_time_zone]
    )
    russian_holidays = models.BooleanField(
        _("Russian production calendar"),
        default=True,
        help_text=_("Public holidays and transferred days off are days off; transferred working Saturdays work."),
    )
    is_default = models.BooleanField(_("default"), default=False, help_text=_("Used where nothing else is set."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_calendar")
        ]

    def __str__(self) -> str:
        return self.name


class CalendarHours(models.Model):
    """One working interval of a weekday, in the calendar's local time (a day may have several)."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"), help_text=_("00:00 means midnight at the end of the day."))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")) | Q(closes="00:00"), name="calendar_hours_closes_after_opens"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class CalendarOverride(models.Model):
    """An admin's exception for one date: a day off (no times) or working hours that replace the usual ones."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="overrides")
    date = models.DateField(_("date"))
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date", "opens"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        indexes = [models.Index(fields=["calendar", "date"], name="calendar_override_day")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(opens__isnull=True) & Q(closes__isnull=True))
                | (Q(opens__isnull=False) & Q(closes__isnull=False)),
                name="calendar_override_both_times_or_none",
            )
        ]

    def __str__(self) -> str:
        if self.opens is None:
            return f"{self.date}: {_('day off')}"
        return f"{self.date}: {self.opens:%H:%M}–{self.closes:%H:%M}"
