"""The texts of outgoing mail: agents' replies inside the editable reply template, notifications from templates."""

from __future__ import annotations

from django.conf import settings
from django.template import Context, Engine
from django.urls import reverse
from django.utils import translation

from otvet.connectors.email.default_templates import DEFAULT_TEMPLATES
from otvet.connectors.models import EmailTemplate
from otvet.connectors.models.template import TemplateCode
from otvet.core.sanitize import text_to_html
from otvet.customers.models import Contact
from otvet.tickets.choices import MessageKind
from otvet.tickets.models import Message, Ticket

# Admins edit these texts; plain text, no HTML autoescaping, no template loaders (no {% include %} of files).
ENGINE = Engine(autoescape=False, libraries={}, builtins=["django.template.defaultfilters"])
LANGUAGES = ("ru", "en")
HTML_MARKER = "OTVET-REPLY-HTML-7f3a"


def customer_language(contact: Contact) -> str:
    language = (contact.language or settings.LANGUAGE_CODE or "ru")[:2]
    return language if language in LANGUAGES else "ru"


def with_reference(subject: str, number: int) -> str:
    """The subject with the ticket reference that threads a reply even when a client drops the headers."""
    reference = f"[#{number}]"
    return subject if reference in subject else f"{subject} {reference}"


def render_reply(message: Message) -> tuple[str, str, str]:
    """Subject, text and HTML of an agent's public reply, inside the editable «reply» template."""
    ticket = message.ticket
    author = message.author_user.name if message.author_user and message.author_user.name else ""
    subject, text = _render(TemplateCode.AGENT_REPLY, ticket, message=message.body_text, agent=author)
    # The HTML part keeps the agent's formatting: the template is rendered around a marker that the sanitized
    # HTML of the reply then replaces.
    _subject, around = _render(TemplateCode.AGENT_REPLY, ticket, message=HTML_MARKER, agent=author)
    html = text_to_html(around).replace(HTML_MARKER, message.body_html or text_to_html(message.body_text))
    return subject, text, layout(html)


def render_notification(code: str, ticket: Ticket) -> tuple[str, str, str]:
    """Subject, text and HTML of a notification, from the customer's language's template."""
    subject, text = _render(code, ticket, message=last_public_text(ticket))
    return subject, text, layout(text_to_html(text))


def _render(code: str, ticket: Ticket, *, message: str, agent: str = "") -> tuple[str, str]:
    language = customer_language(ticket.requester)
    template = EmailTemplate.objects.filter(code=code, language=language, is_active=True).first()
    subject_source, body_source = (template.subject, template.body) if template else DEFAULT_TEMPLATES[code][language]
    with translation.override(language):
        context = Context(
            {
                "ticket": {"number": ticket.pk, "subject": ticket.subject, "status": ticket.status.customer_name},
                "customer": {"name": ticket.requester.name},
                "agent": {"name": agent or (str(ticket.assignee) if ticket.assignee_id else "")},
                "message": message,
                "portal_url": portal_url(ticket),
            }
        )
        subject = " ".join(ENGINE.from_string(subject_source).render(context).split())
        text = ENGINE.from_string(body_source).render(context).strip() + "\n"
    return with_reference(subject, ticket.pk), text


def last_public_text(ticket: Ticket) -> str:
    message = ticket.messages.filter(kind=MessageKind.REPLY).order_by("-created_at", "-id").only("body_text").first()
    return message.body_text if message else ""


def portal_url(ticket: Ticket) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("portal-request", args=[ticket.pk])


def layout(body_html: str) -> str:
    """A plain, client-safe HTML wrapper; the body is already sanitized."""
    return (
        '<!doctype html><html><body style="font-family:Arial,sans-serif;font-size:14px;line-height:1.5">'
        f"<div>{body_html}</div></body></html>"
    )
