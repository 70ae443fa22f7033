"""The SLA domain's models: working calendars, policies and the clock timeline of each ticket."""

from otvet.sla.models.calendar import Calendar, CalendarHours, CalendarOverride
from otvet.sla.models.clock import SlaClock, SlaClockEntry
from otvet.sla.models.policy import SlaPolicy

__all__ = ["Calendar", "CalendarHours", "CalendarOverride", "SlaClock", "SlaClockEntry", "SlaPolicy"]
