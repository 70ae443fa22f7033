"""Canned responses [типовые ответы]: shared by an organisation (the platform or a partner) or personal to an agent."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from otvet.core.models import TimeStamped


class CannedResponse(TimeStamped):
    """A typical answer with placeholders; `owner` empty means shared by the organisation of `partner`."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    body_en = models.TextField(_("text in English"), blank=True, help_text=_("Sent to English-speaking customers."))
    shortcut = models.SlugField(_("shortcut"), max_length=40, help_text=_("A short name to find it, like pwd-reset."))
    category = models.CharField(_("category"), max_length=80, blank=True)
    owner = models.ForeignKey(
        "accounts.Agent",
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_responses",
        help_text=_("Empty for a shared response."),
    )
    # The organisation of a shared response: the platform (empty) or a partner; personal ones copy the owner's.
    partner = models.ForeignKey(
        "customers.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    usage_count = models.PositiveIntegerField(_("used"), default=0)
    # Title, shortcut and texts case-folded: a LIKE that behaves the same on SQLite (ASCII-only NOCASE) and PostgreSQL.
    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        "accounts.Agent",
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        "accounts.Agent",
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["category", "title"]
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        constraints = [
            models.UniqueConstraint(
                fields=["shortcut"],
                condition=Q(owner__isnull=True, partner__isnull=True),
                name="canned_platform_shortcut_unique",
            ),
            models.UniqueConstraint(
                fields=["partner", "shortcut"],
                condition=Q(owner__isnull=True, partner__isnull=False),
                name="canned_partner_shortcut_unique",
            ),
            models.UniqueConstraint(
                fields=["owner", "shortcut"], condition=Q(owner__isnull=False), name="canned_personal_shortcut_unique"
            ),
        ]
        indexes = [
            # The two scopes an agent reads: the organisation's shared ones and their own, most used first.
            models.Index(fields=["partner", "owner", "-usage_count"], name="canned_scope_idx"),
            models.Index(fields=["owner", "-usage_count"], name="canned_owner_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (/{self.shortcut})"

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None

    def text_for(self, language: str) -> str:
        """The English text for an English-speaking customer when there is one, else the Russian text."""
        return self.body_en if language.startswith("en") and self.body_en else self.body
