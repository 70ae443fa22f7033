"""Mailing agents' notifications: each row once, in the recipient's language, claimed by a conditional update."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from otvet.core import clock
from otvet.notifications.models import Notification

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "[Otvet]"
SUBJECT_TEXT_CHARS = 80
# A job that was queued but lost is picked up by the sweep after this long; older rows are stale news by then.
SWEEP_AFTER = dt.timedelta(minutes=5)
SWEEP_UNTIL = dt.timedelta(days=1)


def notification_emails_send(notification_ids: Sequence[int]) -> int:
    """Send the pending ones among `notification_ids`; how many were sent. Safe to run twice or in two workers:
    a row is claimed by setting emailed_at where it is still empty, and released again if sending fails."""
    rows = list(
        Notification.objects.filter(
            pk__in=list(notification_ids), email_wanted=True, emailed_at__isnull=True, user__is_active=True
        )
        .select_related("user", "ticket")
        .order_by("pk")
    )
    if not rows:
        return 0
    sent = 0
    failure: Exception | None = None
    with get_connection(fail_silently=False) as connection:
        for row in rows:
            claimed_at = clock.now()
            if not Notification.objects.filter(pk=row.pk, emailed_at__isnull=True).update(emailed_at=claimed_at):
                continue  # another worker has it
            try:
                connection.send_messages([compose(row)])
            except Exception as error:  # released for the job's retry; the other rows still go out
                Notification.objects.filter(pk=row.pk, emailed_at=claimed_at).update(emailed_at=None)
                logger.warning("emailing notification %s failed: %s", row.pk, error)
                failure = failure or error
                continue
            sent += 1
    if failure is not None:
        raise failure
    return sent


def notification_emails_pending(limit: int = 500) -> list[int]:
    """Rows whose mail job was lost (a worker died): queued a while ago, not too long ago, still not sent."""
    now = clock.now()
    return list(
        Notification.objects.filter(
            email_wanted=True,
            emailed_at__isnull=True,
            created_at__lte=now - SWEEP_AFTER,
            created_at__gte=now - SWEEP_UNTIL,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def compose(notification: Notification) -> EmailMessage:
    """«[Otvet] #123: subject» with the text and a link to the ticket, in the recipient's language."""
    user = notification.user
    language = (user.language or settings.LANGUAGE_CODE or "ru")[:2]
    site = settings.SITE_URL.rstrip("/")
    ticket = notification.ticket
    with translation.override(language):
        if ticket is not None:
            subject = f"{SUBJECT_PREFIX} #{ticket.pk}: {ticket.subject}"
            link = _("Ticket #%(number)s: %(url)s") % {
                "number": ticket.pk,
                "url": site + reverse("workspace-ticket", args=[ticket.pk]),
            }
        else:
            subject = f"{SUBJECT_PREFIX} {notification.text[:SUBJECT_TEXT_CHARS]}"
            link = ""
        footer = _("All your notifications: %(url)s") % {"url": site + reverse("notifications-desk")}
    body = "\n\n".join(part for part in (notification.text, link, f"-- \n{footer}") if part) + "\n"
    headers = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}  # RFC 3834: no auto-replies
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[user.email], from_email=None, headers=headers)
