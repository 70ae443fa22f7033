"""Editable Russian and English texts of the mail we send on our own (confirmations, notifications)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from otvet.core.models import TimeStamped


class TemplateCode(models.TextChoices):
    TICKET_RECEIVED = "ticket_received", _("Request received")
    AGENT_REPLY = "agent_reply", _("Reply from support")
    TICKET_SOLVED = "ticket_solved", _("Request solved")
    TICKET_CLOSED = "ticket_closed", _("Request closed")


class EmailTemplate(TimeStamped):
    """Subject and text of one notification in one language; Django template syntax, plain text."""

    code = models.CharField(_("template"), max_length=40, choices=TemplateCode.choices)
    language = models.CharField(_("language"), max_length=8, choices=[("ru", "Русский"), ("en", "English")])
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Placeholders: {{ ticket.number }}, {{ ticket.subject }}, {{ ticket.status }}, {{ customer.name }}, "
            "{{ agent.name }}, {{ message }}, {{ portal_url }}."
        ),
    )
    is_active = models.BooleanField(_("send"), default=True)

    class Meta:
        verbose_name = _("email template")
        verbose_name_plural = _("email templates")
        ordering = ["code", "language"]
        constraints = [models.UniqueConstraint(fields=["code", "language"], name="email_template_once")]

    def __str__(self) -> str:
        return f"{self.get_code_display()} ({self.language})"
