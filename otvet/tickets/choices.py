"""Named constants of the ticket domain, with labels and badge colours (STYLE.md rule 9)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StatusCategory(models.TextChoices):
    """The fixed meaning of a configurable status; code reasons with categories, never with status names."""

    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING_CUSTOMER = "waiting_customer", _("Waiting for the customer")
    WAITING_INTERNAL = "waiting_internal", _("Waiting (internal)")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")

    @classmethod
    def open_values(cls) -> tuple[str, ...]:
        """Categories in which a ticket is still being worked (it appears in queues)."""
        return (cls.NEW, cls.OPEN, cls.WAITING_CUSTOMER, cls.WAITING_INTERNAL)


class Priority(models.IntegerChoices):
    """Queues sort by priority first; the integer is the sort key."""

    LOW = 10, _("Low")
    NORMAL = 20, _("Normal")
    HIGH = 30, _("High")
    URGENT = 40, _("Urgent")

    @property
    def colour(self) -> str:
        return {10: "secondary", 20: "primary", 30: "warning", 40: "danger"}[self.value]


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("Email")
    TELEGRAM = "telegram", _("Telegram")
    VK = "vk", _("VK")
    VIBER = "viber", _("Viber")
    WEBCHAT = "webchat", _("Web chat")
    PHONE = "phone", _("Phone")
    API = "api", _("API")


class ResponsePreference(models.TextChoices):
    PORTAL = "portal", _("Answer here")
    EMAIL = "email", _("Also by email")


class TicketKind(models.TextChoices):
    REQUEST = "request", _("Request")
    ALERT = "alert", _("System alert")


class AlertType(models.TextChoices):
    """The kinds of outbound system alert [системное обращение]."""

    INFORMATION = "information", _("Information")
    COMPLAINT = "complaint", _("Complaint")
    SUSPICIOUS = "suspicious", _("Suspicious activity")


class MessageKind(models.TextChoices):
    REPLY = "reply", _("Public reply")
    NOTE = "note", _("Internal note")
    SYSTEM = "system", _("System message")


class AuthorKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")
    SYSTEM = "system", _("System")


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    REPLIED = "replied", _("Replied")
    NOTE_ADDED = "note_added", _("Internal note")
    STATUS_CHANGED = "status_changed", _("Status changed")
    FIELDS_CHANGED = "fields_changed", _("Fields changed")
    ASSIGNED = "assigned", _("Assigned")
    CLAIMED = "claimed", _("Claimed")
    RELEASED = "released", _("Released")
    TRANSFERRED = "transferred", _("Transferred")
    RESOLVED = "resolved", _("Resolved")
    REOPENED = "reopened", _("Reopened")
    RATED = "rated", _("Rated")
    SPAM_MARKED = "spam_marked", _("Marked as spam")
    SPAM_CLEARED = "spam_cleared", _("Not spam")
    TAGGED = "tagged", _("Tags changed")
    NOTIFIED = "notified", _("Notified")
    SLA_WARNING = "sla_warning", _("SLA breach ahead")
    SLA_BREACHED = "sla_breached", _("SLA breached")
    AUTOMATION_FAILED = "automation_failed", _("Automation failed")


class AssignmentMode(models.TextChoices):
    """How a line hands new tickets to its agents."""

    OFF = "off", _("Off")
    ROUND_ROBIN = "round_robin", _("Round robin")
    LEAST_OPEN = "least_open", _("Fewest open tickets")
