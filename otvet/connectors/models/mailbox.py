"""A support mailbox: where mail comes in (IMAP, SMTP, a provider's webhook) and replies go out from."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from otvet.connectors.choices import Security
from otvet.core.models import TimeStamped

SECRET_MASK = "••••••••"


class Mailbox(TimeStamped):
    """A configured support address [почтовый ящик]; passwords are write-only everywhere they are shown."""

    name = models.CharField(_("name"), max_length=120)
    address = models.EmailField(_("address"), help_text=_("Mail to this address (and its +tags) becomes tickets."))
    from_name = models.CharField(_("sender name"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Replies to tickets that did not come by email are sent from it.")
    )
    line = models.ForeignKey(
        "tickets.Line", verbose_name=_("line"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    category = models.ForeignKey(
        "tickets.Category",
        verbose_name=_("category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    imap_host = models.CharField(_("IMAP host"), max_length=255, blank=True, help_text=_("Empty: no polling."))
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_security = models.CharField(_("IMAP security"), max_length=10, choices=Security.choices, default="ssl")
    imap_username = models.CharField(_("IMAP user"), max_length=255, blank=True)
    imap_password = models.CharField(_("IMAP password"), max_length=255, blank=True)
    imap_folder = models.CharField(_("IMAP folder"), max_length=255, default="INBOX")
    imap_processed_folder = models.CharField(
        _("move processed mail to"), max_length=255, blank=True, help_text=_("Empty: mark as read and keep in place.")
    )
    poll_interval = models.PositiveIntegerField(_("poll every (seconds)"), default=60)
    next_poll_at = models.DateTimeField(null=True, blank=True, editable=False)
    # While a worker talks to the server: no other worker (scheduler or IDLE listener) polls this mailbox.
    poll_lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)

    smtp_host = models.CharField(
        _("SMTP host"), max_length=255, blank=True, help_text=_("Empty: send through the server in EMAIL_URL.")
    )
    smtp_port = models.PositiveIntegerField(_("SMTP port"), default=587)
    smtp_security = models.CharField(_("SMTP security"), max_length=10, choices=Security.choices, default="starttls")
    smtp_username = models.CharField(_("SMTP user"), max_length=255, blank=True)
    smtp_password = models.CharField(_("SMTP password"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("address"), name="mailbox_address_unique")]
        indexes = [models.Index(fields=["next_poll_at"], name="mailbox_next_poll")]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    @property
    def polls_imap(self) -> bool:
        return bool(self.is_active and self.imap_host and self.imap_username)

    @property
    def local_part(self) -> str:
        return self.address.partition("@")[0].lower()

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2].lower()
