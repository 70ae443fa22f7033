"""Inbound mail exactly as it arrived, stored before anything else happens to it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from otvet.connectors.choices import InboundSource, InboundState
from otvet.core import clock


class InboundEmail(models.Model):
    """One received mail: the raw bytes (downloadable by agents), then what processing made of it."""

    mailbox = models.ForeignKey("connectors.Mailbox", on_delete=models.PROTECT, related_name="inbound")
    # Message-ID, or "sha256:<digest>" of the raw bytes when there is none: unique per mailbox, so a mail fetched
    # or delivered twice is stored once.
    dedupe_key = models.CharField(max_length=300)
    mail_id = models.CharField(_("Message-ID"), max_length=300, blank=True)
    sha256 = models.CharField(max_length=64)
    raw = models.BinaryField(_("original"))
    size = models.PositiveIntegerField(_("size"))
    source = models.CharField(_("source"), max_length=10, choices=InboundSource.choices)
    source_ref = models.CharField(_("source reference"), max_length=255, blank=True, help_text=_("IMAP UID"))
    sender = models.CharField(_("sender"), max_length=255, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("received"), default=clock.now)

    state = models.CharField(_("state"), max_length=16, choices=InboundState.choices, default=InboundState.PENDING)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_emails"
    )
    message = models.ForeignKey(
        "tickets.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_emails"
    )
    automatic = models.CharField(
        _("automatic mail"), max_length=16, blank=True, help_text=_("Auto-reply, bulk, list or bounce: never answered.")
    )
    checks_skipped = models.BooleanField(
        _("released by an agent"), default=False, help_text=_("Processed without the duplicate, rate and spam checks.")
    )
    cc = models.JSONField(_("CC"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(_("error"), blank=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    spam_score = models.FloatField(_("spam probability"), null=True, blank=True)
    spam_explanation = models.JSONField(_("why"), default=list, blank=True)
    # What the spam model learned from this mail ("spam", "ham" or nothing yet): each mail teaches at most once a
    # way, whoever judged it (an agent's «Спам» / «Не спам», or an agent answering it as a real request).
    spam_learned = models.CharField(_("learned as"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound emails")
        constraints = [models.UniqueConstraint(fields=["mailbox", "dedupe_key"], name="inbound_email_once")]
        indexes = [
            models.Index(fields=["state", "received_at", "id"], name="inbound_email_state"),
            models.Index(fields=["received_at", "id"], name="inbound_email_received"),
            # Per sender: the rate limit (by time) and "known sender" (processed before) both start here.
            models.Index(fields=["sender", "state", "received_at"], name="inbound_email_sender"),
            models.Index(fields=["ticket", "received_at"], name="inbound_email_ticket"),
            models.Index(fields=["mail_id"], name="inbound_email_mail_id", condition=~Q(mail_id="")),
        ]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"
