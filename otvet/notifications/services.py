"""Notifying people about a ticket: in-app rows, mail after the commit, one timeline event per call."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from otvet.accounts.choices import Role
from otvet.accounts.models import User
from otvet.connectors.choices import DeliveryPurpose
from otvet.connectors.email.addresses import is_automatic_address
from otvet.connectors.email.outbound import delivery_queue, wants_email
from otvet.connectors.email.render import customer_language
from otvet.core import clock
from otvet.core.errors import NotFound
from otvet.notifications.choices import Audience
from otvet.notifications.models import Notification
from otvet.tickets.access import Actor, agents_who_may_see
from otvet.tickets.choices import Channel, EventKind, MessageKind
from otvet.tickets.models import Message, Ticket
from otvet.tickets.services.common import lock, record_event, require_agent, write_message

__all__ = [
    "Audience",
    "notification_read",
    "notification_recipients",
    "notification_text",
    "notifications_read_all",
    "ticket_notify",
]

PLACEHOLDER = re.compile(r"\{(number|subject|status|assignee|link|name|line)\}")
LANGUAGES = ("ru", "en")
NAMES_IN_NOTE = 5  # the timeline names a few recipients; the count tells the rest


def notification_text(template: str, ticket: Ticket, language: str, *, for_customer: bool = False) -> str:
    """`template` with {number}, {subject}, {status}, {assignee}, {link}, {name} (the requester) and {line} filled
    in `language`; customers get the status as they see it, a portal link and no line (internal), agents the
    workspace. Other braces are left as written, as in automation's texts."""
    with translation.override(language):
        if for_customer:
            status, path = ticket.status.customer_name, reverse("portal-request", args=[ticket.pk])
        else:
            status, path = ticket.status.name, reverse("workspace-ticket", args=[ticket.pk])
        assignee = ticket.assignee.user.name if ticket.assignee_id is not None and ticket.assignee else ""
        values = {
            "number": str(ticket.pk),
            "subject": ticket.subject,
            "status": status,
            "assignee": assignee or ("—" if not for_customer else _("Support")),
            "link": settings.SITE_URL.rstrip("/") + path,
            "name": ticket.requester.name,
            "line": "" if for_customer else ticket.line.name,
        }
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def notification_recipients(*, ticket: Ticket, audience: Audience, agent_id: int | None = None) -> list[User]:
    """The active users `audience` means for `ticket`; agents only when the ticket is in their scope."""
    if audience == Audience.CUSTOMER:
        user = ticket.requester.user if ticket.requester.user_id is not None else None
        return [user] if user is not None and user.is_active else []
    agents = agents_who_may_see(ticket).filter(user__is_active=True)
    if audience == Audience.AGENT:
        if agent_id is None:
            return []
        agents = agents.filter(pk=agent_id)
    elif audience == Audience.ASSIGNEE:
        if ticket.assignee_id is None:
            return []
        agents = agents.filter(pk=ticket.assignee_id)
    elif audience == Audience.LINE:
        agents = agents.filter(lines=ticket.line_id)
    elif audience == Audience.SUPERVISORS:
        # The organisation that works the ticket: a partner's supervisors for its own line, the platform's else.
        partner_id = ticket.line.partner_id
        organisation = Q(partner__isnull=True) if partner_id is None else Q(partner_id=partner_id)
        agents = agents.filter(organisation, role__in=(Role.SUPERVISOR, Role.ADMIN))
    return [agent.user for agent in agents.select_related("user").order_by("pk")]


def ticket_notify(
    *,
    ticket: Ticket,
    actor: Actor,
    audience: Audience,
    text: str,
    agent_id: int | None = None,
    email: bool = True,
) -> int:
    """Notify `audience` about `ticket` in-app (and by email after the commit); records one NOTIFIED event that
    says whom and what, also when nobody was found. Returns the number of people notified."""
    require_agent(actor)
    audience = Audience(audience)
    with transaction.atomic():
        ticket = lock(ticket)
        users = notification_recipients(ticket=ticket, audience=audience, agent_id=agent_id)
        message: Message | None = None
        if audience == Audience.CUSTOMER:
            names, message = _notify_customer(ticket, actor, users, text, email=email)
            said = notification_text(text, ticket, customer_language(ticket.requester), for_customer=True)
        else:
            names = _notify_agents(ticket, users, text, email=email)
            said = notification_text(text, ticket, translation.get_language() or settings.LANGUAGE_CODE)
        words = {"audience": audience.label, "count": len(names), "text": said}
        if names:
            shown = ", ".join(names[:NAMES_IN_NOTE]) + ("…" if len(names) > NAMES_IN_NOTE else "")
            note = _("Notified: %(audience)s (%(count)s: %(names)s) — %(text)s") % {**words, "names": shown}
        else:
            note = _("Nobody to notify: %(audience)s — %(text)s") % words
        record_event(
            ticket, EventKind.NOTIFIED, actor, changes={"audience": [None, audience.value]}, message=message, note=note
        )
    return len(names)


def _notify_agents(ticket: Ticket, users: Sequence[User], text: str, *, email: bool) -> list[str]:
    """One row per agent in their language, written together; their mail goes out in one job after the commit."""
    texts: dict[str, str] = {}
    rows = []
    now = clock.now()
    for user in users:
        language = _language(user.language)
        if language not in texts:
            texts[language] = notification_text(text, ticket, language)
        rows.append(
            Notification(
                user=user, ticket=ticket, text=texts[language], created_at=now, email_wanted=email and bool(user.email)
            )
        )
    Notification.objects.bulk_create(rows)
    ids = [row.pk for row in rows if row.email_wanted]
    if ids:
        from otvet.notifications.tasks import send_notification_emails  # tasks import services: break the cycle

        transaction.on_commit(lambda: send_notification_emails(ids))
    return [user.name or user.email for user in users]


def _notify_customer(
    ticket: Ticket, actor: Actor, users: Sequence[User], text: str, *, email: bool
) -> tuple[list[str], Message | None]:
    """The requester in the portal (when they have a login) and by email through the ticket's own delivery path,
    so that the mail is threaded, retried and shown to agents; only customer-facing values fill the text."""
    contact = ticket.requester
    language = customer_language(contact)
    said = notification_text(text, ticket, language, for_customer=True)
    now = clock.now()
    for user in users:
        Notification.objects.create(user=user, ticket=ticket, text=said, created_at=now)
    address = (contact.email or "").strip()
    # A customer who signs in and asked for answers in the portal is not mailed; one without a login must be.
    mail = email and bool(address) and not is_automatic_address(address) and (not users or wants_email(ticket))
    message = None
    if mail:
        # A system message, never a reply: it records what the customer was told without counting as an answer.
        message = write_message(ticket, actor, kind=MessageKind.SYSTEM, body=said, channel=Channel.EMAIL, now=now)
        delivery_queue(ticket=ticket, purpose=DeliveryPurpose.REPLY, key=f"email:reply:{message.pk}", message=message)
    return ([contact.name or address] if users or mail else []), message


def notification_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of `user`'s notifications read (once); NotFound for anyone else's."""
    notification = Notification.objects.filter(pk=notification_id, user=user).first()
    if notification is None:
        raise NotFound(_("Notification not found."))
    if notification.read_at is None:
        now = clock.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notifications_read_all(*, user: User) -> int:
    """Mark every unread notification of `user` read; how many there were."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=clock.now())


def _language(code: str) -> str:
    language = (code or settings.LANGUAGE_CODE or "ru")[:2]
    return language if language in LANGUAGES else "ru"
