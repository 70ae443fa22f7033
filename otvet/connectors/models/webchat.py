"""The web chat: widgets embedded on customers' sites, and the visitors who chat through them."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from otvet.core import clock
from otvet.core.models import TimeStamped


def widget_key_new() -> str:
    """The public key that names a widget in its snippet (not a secret: any page source shows it)."""
    return secrets.token_urlsafe(12)


def visitor_public_id_new() -> str:
    return secrets.token_hex(8)


def origin_normalize(origin: str) -> str:
    """scheme://host[:port], lower-case, without a path or a trailing slash; "" when it is not one."""
    parts = urlsplit(origin.strip().lower())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        return ""
    return f"{parts.scheme}://{parts.netloc}"


class ChatWidget(TimeStamped):
    """A chat widget [Виджет чата] for one or more sites; visitors' messages become tickets in its line."""

    name = models.CharField(_("name"), max_length=120)
    key = models.CharField(_("public key"), max_length=32, unique=True, default=widget_key_new, editable=False)
    allowed_origins = models.JSONField(
        _("allowed origins"),
        default=list,
        blank=True,
        help_text=_('Sites that may embed the chat, e.g. ["https://shop.example"]. Empty: only this help desk.'),
    )
    line = models.ForeignKey(
        "tickets.Line", verbose_name=_("line"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    prechat_form = models.BooleanField(_("ask for name and email first"), default=False)
    require_name = models.BooleanField(_("name required"), default=False)
    require_email = models.BooleanField(_("email required"), default=False)
    color = models.CharField(_("colour"), max_length=7, default="#0d6efd", help_text=_("#RRGGBB"))
    greeting_ru = models.CharField(_("greeting (Russian)"), max_length=500, blank=True)
    greeting_en = models.CharField(_("greeting (English)"), max_length=500, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("chat widget")
        verbose_name_plural = _("chat widgets")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not isinstance(self.allowed_origins, list):
            raise ValidationError({"allowed_origins": _("A list of origins.")})
        normalized = [origin_normalize(str(origin)) for origin in self.allowed_origins]
        if "" in normalized:
            raise ValidationError({"allowed_origins": _("Each origin is scheme://host[:port], without a path.")})
        self.allowed_origins = normalized
        if len(self.color) != 7 or not self.color.startswith("#"):
            raise ValidationError({"color": _("A colour like #0d6efd.")})

    @property
    def greeting(self) -> str:
        return self.greeting_en if (get_language() or "ru").startswith("en") else self.greeting_ru


class ChatVisitor(models.Model):
    """One browser that chatted through a widget: its secret token is kept by the browser, only its hash here.

    The name and email are what the visitor typed: unverified, so they never link the visitor to an existing
    contact (agents merge contacts when they know it is the same person).
    """

    widget = models.ForeignKey(ChatWidget, on_delete=models.CASCADE, related_name="visitors")
    public_id = models.CharField(max_length=16, unique=True, default=visitor_public_id_new, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email (unverified)"), blank=True)
    email_noted = models.BooleanField(default=False, editable=False)
    language = models.CharField(_("language"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("first seen"), default=clock.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=clock.now)

    class Meta:
        verbose_name = _("chat visitor")
        verbose_name_plural = _("chat visitors")
        indexes = [models.Index(fields=["widget", "last_seen_at"], name="chat_visitor_widget")]

    def __str__(self) -> str:
        return self.name or self.identity

    @property
    def identity(self) -> str:
        """The value of the visitor's ContactIdentity(webchat)."""
        return f"visitor-{self.public_id}"
