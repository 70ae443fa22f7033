"""Sending one queued email delivery: compose it threaded, send it, record the outcome, retry with backoff."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Q

from otvet.connectors.choices import DeliveryPurpose, DeliveryState, Security
from otvet.connectors.email.render import render_notification, render_reply
from otvet.connectors.email.threading import reply_address
from otvet.connectors.models import Delivery, InboundEmail, Mailbox
from otvet.connectors.models.template import TemplateCode
from otvet.core import clock
from otvet.tickets.choices import Channel

logger = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=5)
MAX_BACKOFF = dt.timedelta(hours=6)
MAX_REFERENCES = 20


class SendError(Exception):
    """A failed attempt; `permanent` failures are not retried."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


def delivery_send(delivery_id: int) -> str:
    """Send a queued delivery once it is due; returns its state afterwards. Safe to call from several workers."""
    now = clock.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimed = Delivery.objects.filter(due, pk=delivery_id, state=DeliveryState.QUEUED).update(
        next_attempt_at=now + LEASE
    )
    if not claimed:  # sent, failed, or another worker holds the lease
        return Delivery.objects.filter(pk=delivery_id).values_list("state", flat=True).first() or ""
    delivery = Delivery.objects.select_related("ticket__requester", "ticket__status", "message", "mailbox").get(
        pk=delivery_id
    )
    try:
        mail = compose(delivery)
        with connection_for(delivery.mailbox) as connection:
            connection.send_messages([mail])
    except Exception as error:
        failure = classify(error)
        return _failed(delivery, failure)
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.SENT,
        sent_at=clock.now(),
        attempts=delivery.attempts + 1,
        last_error="",
        next_attempt_at=None,
    )
    return DeliveryState.SENT


def deliveries_due(limit: int = 200) -> list[int]:
    """Queued deliveries whose retry time came (or whose job was lost)."""
    now = clock.now()
    return list(
        Delivery.objects.filter(state=DeliveryState.QUEUED)
        .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lte=now - LEASE))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def compose(delivery: Delivery) -> EmailMultiAlternatives:
    """The mail with its threading headers: our own Message-ID, In-Reply-To the customer's last mail, References."""
    ticket = delivery.ticket
    mailbox = delivery.mailbox
    if delivery.purpose == DeliveryPurpose.REPLY and delivery.message is not None:
        subject, text, html = render_reply(delivery.message)
    else:
        subject, text, html = render_notification(delivery.template, ticket)
    sender = settings.DEFAULT_FROM_EMAIL
    headers = {"Message-ID": f"<{delivery.external_id}>", "X-Otvet-Ticket": str(ticket.pk)}
    if mailbox is not None:
        sender = formataddr((mailbox.from_name or mailbox.name, mailbox.address))
        headers["Reply-To"] = reply_address(mailbox.address, ticket.pk)
    parent, references = thread_ids(delivery)
    if parent:
        headers["In-Reply-To"] = f"<{parent}>"
    if references:
        headers["References"] = " ".join(f"<{i}>" for i in references)
    if delivery.purpose == DeliveryPurpose.NOTIFICATION:  # RFC 3834: our own automatic mail says so
        confirms = delivery.template == TemplateCode.TICKET_RECEIVED  # an answer to the mail that came in
        headers["Auto-Submitted"] = "auto-replied" if confirms else "auto-generated"
        headers["X-Auto-Response-Suppress"] = "All"
        headers["Precedence"] = "bulk"
    mail = EmailMultiAlternatives(
        subject=subject, body=text, from_email=sender, to=delivery.recipients, cc=delivery.cc, headers=headers
    )
    mail.attach_alternative(html, "text/html")
    if delivery.message is not None:
        for attachment in delivery.message.attachments.all():
            with attachment.file.open("rb") as handle:
                mail.attach(attachment.filename, handle.read(), attachment.content_type)
    return mail


def thread_ids(delivery: Delivery) -> tuple[str, list[str]]:
    """The customer's latest mail (our parent) and the ticket's mail ids, oldest first, ours included."""
    ticket = delivery.ticket
    inbound = list(
        InboundEmail.objects.filter(ticket=ticket)
        .exclude(mail_id="")
        .order_by("received_at", "id")
        .values_list("received_at", "mail_id")
    )
    sent = list(
        Delivery.objects.filter(ticket=ticket, channel=Channel.EMAIL, state=DeliveryState.SENT)
        .exclude(pk=delivery.pk)
        .order_by("created_at", "id")
        .values_list("created_at", "external_id")
    )
    ordered = [i for _at, i in sorted(inbound + sent, key=lambda pair: pair[0])]
    parent = inbound[-1][1] if inbound else ""
    ids = list(dict.fromkeys(ordered))
    if len(ids) > MAX_REFERENCES:  # RFC 5322 advice: keep the first (the thread's root) and the latest ones
        ids = ids[:1] + ids[-(MAX_REFERENCES - 1) :]
    return parent, ids


def connection_for(mailbox: Mailbox | None) -> BaseEmailBackend:
    """The mailbox's own SMTP server when it has one, else the one in EMAIL_URL (or an ESP's backend)."""
    if mailbox is None or not mailbox.smtp_host:
        return get_connection(fail_silently=False)
    return get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        fail_silently=False,
        host=mailbox.smtp_host,
        port=mailbox.smtp_port,
        username=mailbox.smtp_username or None,
        password=mailbox.smtp_password or None,
        use_tls=mailbox.smtp_security == Security.STARTTLS,
        use_ssl=mailbox.smtp_security == Security.SSL,
        timeout=settings.EMAIL_TIMEOUT,
    )


def classify(error: Exception) -> SendError:
    """Permanent (5xx, refused recipients, an ESP's rejection) or worth retrying (4xx, network, timeouts)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        text = "; ".join(f"{rcpt}: {code} {_text(msg)}" for rcpt, (code, msg) in error.recipients.items())
        return SendError(text, permanent=bool(codes) and all(code >= 500 for code in codes))
    if isinstance(error, smtplib.SMTPResponseException):
        return SendError(f"{error.smtp_code} {_text(error.smtp_error)}", permanent=error.smtp_code >= 500)
    anymail_status = getattr(error, "status_code", None)
    if type(error).__module__.startswith("anymail"):
        permanent = "Refused" in type(error).__name__ or (
            isinstance(anymail_status, int) and 400 <= anymail_status < 500 and anymail_status != 429
        )
        return SendError(str(error)[:500], permanent=permanent)
    return SendError(f"{type(error).__name__}: {error}"[:500], permanent=False)


def _failed(delivery: Delivery, failure: SendError) -> str:
    attempts = delivery.attempts + 1
    if failure.permanent or attempts >= settings.OTVET_EMAIL_SEND_ATTEMPTS:
        Delivery.objects.filter(pk=delivery.pk).update(
            state=DeliveryState.FAILED, attempts=attempts, last_error=str(failure), next_attempt_at=None
        )
        logger.warning("email delivery %s failed for good: %s", delivery.pk, failure)
        return DeliveryState.FAILED
    backoff = min(dt.timedelta(minutes=1) * 2 ** (attempts - 1), MAX_BACKOFF)
    Delivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts, last_error=str(failure), next_attempt_at=clock.now() + backoff
    )
    from otvet.connectors.tasks import send_delivery  # tasks import this module

    send_delivery.schedule((delivery.pk,), delay=backoff.total_seconds())
    return DeliveryState.QUEUED


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
