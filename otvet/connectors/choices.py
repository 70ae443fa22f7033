"""Named constants of the channel layer."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Security(models.TextChoices):
    """How a mail server connection is protected."""

    SSL = "ssl", _("SSL/TLS")
    STARTTLS = "starttls", _("STARTTLS")
    NONE = "none", _("None")


class InboundSource(models.TextChoices):
    IMAP = "imap", _("IMAP")
    SMTP = "smtp", _("SMTP/LMTP")
    WEBHOOK = "webhook", _("Email provider webhook")
    UPLOAD = "upload", _("Uploaded")


class InboundState(models.TextChoices):
    """Where a stored inbound message is; only `pending` is waiting for the worker."""

    PENDING = "pending", _("Waiting")
    PROCESSED = "processed", _("Processed")
    IGNORED = "ignored", _("Ignored")
    SPAM = "spam", _("Spam")
    DUPLICATE = "duplicate", _("Duplicate")
    RATE_LIMITED = "rate_limited", _("Held: too many from this sender")
    FAILED = "failed", _("Failed")

    @property
    def colour(self) -> str:
        return {
            "pending": "secondary",
            "processed": "success",
            "ignored": "secondary",
            "spam": "warning",
            "duplicate": "info",
            "rate_limited": "warning",
            "failed": "danger",
        }[self.value]


class DeliveryState(models.TextChoices):
    """The fate of one outbound message on one channel."""

    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")

    @property
    def colour(self) -> str:
        return {"queued": "secondary", "sent": "primary", "delivered": "success", "failed": "danger"}[self.value]


class DeliveryPurpose(models.TextChoices):
    REPLY = "reply", _("Reply")
    NOTIFICATION = "notification", _("Notification")
