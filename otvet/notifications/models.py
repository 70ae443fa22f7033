"""In-app notifications: one row per recipient, read in the bell and the list, emailed once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from otvet.core import clock


class Notification(models.Model):
    """A message for one user, usually about a ticket; written only by notifications/services.py."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    # Rendered in the recipient's language when written: placeholders are filled, nothing is computed on display.
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created"), default=clock.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Customers hear by email through the ticket's delivery path, and some actions ask for no email at all:
    # only rows with email_wanted are sent by the notification mail job.
    email_wanted = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The bell's count and the unread list: a user's unread rows, newest first.
            models.Index(
                fields=["user", "-created_at", "-id"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(fields=["user", "-created_at", "-id"], name="notification_recent"),
            # The catch-up sweep of mail whose job was lost costs what is pending, not what exists.
            models.Index(
                fields=["created_at"],
                condition=Q(email_wanted=True, emailed_at__isnull=True),
                name="notification_email_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.text[:60]}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
