"""Turning a stored inbound mail into a ticket or a reply: one transaction, safe to run again after a crash."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from otvet.accounts.models import Agent, User
from otvet.connectors.choices import DeliveryState, InboundState
from otvet.connectors.email.directory import Directory, directory
from otvet.connectors.email.parse import Automatic, ParsedEmail, parse_email
from otvet.connectors.email.threading import DATABASE, ThreadLookup, ticket_for_mail
from otvet.connectors.models import Delivery, InboundEmail
from otvet.connectors.spam_services import spam_hold
from otvet.core import clock
from otvet.core.errors import Conflict, TooLarge
from otvet.customers.choices import IdentityKind
from otvet.customers.models import Company, Contact
from otvet.customers.services import company_for_email, contact_by_identity, contact_for_identity
from otvet.tickets.access import Actor
from otvet.tickets.choices import Channel, ResponsePreference
from otvet.tickets.models import Attachment, Message, Ticket
from otvet.tickets.services.attachments import attachment_store
from otvet.tickets.services.intake import ticket_open
from otvet.tickets.services.messages import ticket_add_note, ticket_reply

logger = logging.getLogger(__name__)

RATE_WINDOW = dt.timedelta(hours=1)
PROCESSED_FIELDS = [
    "state",
    "reason",
    "ticket",
    "message",
    "cc",
    "automatic",
    "attempts",
    "error",
    "processed_at",
    "spam_score",
    "spam_explanation",
]
STALL_AFTER = dt.timedelta(minutes=2)
MAX_ATTEMPTS = 5


def inbound_email_process(inbound_id: int) -> InboundEmail | None:
    """Process a pending inbound mail; a mail that is not pending (done, held, or gone) is left as it is."""
    with transaction.atomic():
        row = (
            InboundEmail.objects.select_for_update(of=("self",))
            .select_related("mailbox__line", "mailbox__category")
            .filter(pk=inbound_id)
            .first()
        )
        if row is None or row.state != InboundState.PENDING:
            return row
        inbound_email_route(row, parse_email(bytes(row.raw)), Intake())
        row.save(update_fields=PROCESSED_FIELDS)
    return row


def inbound_email_route(row: InboundEmail, parsed: ParsedEmail, intake: Intake) -> None:
    """Process a locked pending mail through `intake`; its fields are set, the caller saves the row."""
    row.automatic = str(parsed.automatic)
    row.attempts += 1
    _route(row, parsed, intake)
    row.processed_at = clock.now()
    row.error = ""


class Intake:
    """What the rules of `_route` ask and do, for one mail at a time: asked of and written to the database at once.

    email/batch.py answers the same questions from rows it read once for a whole batch of mail, and builds the
    tickets and replies to write them together; the rules themselves are written once, here.
    """

    threads: ThreadLookup = DATABASE

    def mails_from(self, sender: str, *, since: dt.datetime, until: dt.datetime, besides: int) -> int:
        """How many other mails of the sender were received within [since, until]."""
        recent = InboundEmail.objects.filter(sender=sender, received_at__gte=since, received_at__lte=until)
        return recent.exclude(pk=besides).count()

    def contact_by_email(self, sender: str) -> Contact | None:
        return contact_by_identity(kind=IdentityKind.EMAIL, value=sender)

    def company_for_email(self, sender: str) -> Company | None:
        return company_for_email(sender)

    def already_received(self, row: InboundEmail) -> Message | None:
        """The ticket message this very mail became through another of our mailboxes."""
        return Message.objects.filter(channel=Channel.EMAIL, external_id=row.dedupe_key).first()

    def spam_hold(self, row: InboundEmail, parsed: ParsedEmail, probe: Contact) -> bool:
        return spam_hold(row, parsed, probe)

    def contact_for(self, *, sender: str, name: str, company: Company | None) -> Contact:
        return contact_for_identity(kind=IdentityKind.EMAIL, value=sender, name=name, company=company)

    def attachments(self, parsed: ParsedEmail, uploader: User | None = None) -> tuple[list[Attachment], str]:
        return mail_attachments(parsed, attachment_store, uploader)

    def open_ticket(self, **arguments: Any) -> tuple[Ticket, Message]:
        ticket = ticket_open(**arguments)
        assert ticket.opening_message is not None
        return ticket, ticket.opening_message

    def reply(self, **arguments: Any) -> Message:
        with transaction.atomic():  # a closed ticket refuses the reply: nothing of it may stay behind
            return ticket_reply(**arguments)

    def bounce(self, row: InboundEmail, parsed: ParsedEmail) -> None:
        _bounce(row, parsed)

    def from_agent(self, row: InboundEmail, parsed: ParsedEmail, agent_id: int) -> None:
        _from_agent(row, parsed, Agent.objects.select_related("user").get(pk=agent_id))

    def note(self, row: InboundEmail, ticket: Ticket, heading: str, text: str, parsed: ParsedEmail) -> None:
        _note(row, ticket, heading, text, parsed)


def _route(row: InboundEmail, parsed: ParsedEmail, intake: Intake) -> None:
    """Decide what the mail is and act on it; sets the row's state, reason, ticket and message."""
    if parsed.bounce is not None:
        intake.bounce(row, parsed)
        return
    sender = parsed.sender.email
    if not sender or "@" not in sender:
        _hold(row, InboundState.IGNORED, _("The mail has no sender address that could be answered."))
        return
    known = directory()
    if not row.checks_skipped and known.is_ours(sender):
        _hold(row, InboundState.IGNORED, _("The mail comes from one of our own mailboxes (a mail loop)."))
        return
    if not row.checks_skipped and _over_rate_limit(row, sender, intake):
        _hold(
            row,
            InboundState.RATE_LIMITED,
            _("More than %(n)s mails from this sender within an hour.")
            % {"n": settings.OTVET_EMAIL_SENDER_LIMIT_PER_HOUR},
        )
        return
    if sender in known.agents:
        intake.from_agent(row, parsed, known.agents[sender])
        return
    # Nobody is created before the mail is known not to be held (noise and spam leave no contacts behind).
    existing = intake.contact_by_email(sender)
    probe = existing or Contact(email=sender, company=intake.company_for_email(sender))
    ticket = ticket_for_mail(parsed, probe, intake.threads)
    if parsed.automatic and ticket is None and parsed.automatic != Automatic.BULK and not row.checks_skipped:
        _hold(
            row,
            InboundState.IGNORED,
            _("An automatic mail (%(kind)s) that continues no ticket.") % {"kind": parsed.automatic},
        )
        return
    row.cc = _copy_recipients(parsed, known, sender)
    if ticket is not None and parsed.automatic and not row.checks_skipped:
        heading = _("Automatic mail from %(sender)s:") % {"sender": sender}
        intake.note(row, ticket, heading, parsed.reply_text, parsed)
        return
    # The same mail may reach two of our mailboxes (both in To/CC); with one mailbox this cannot happen.
    several = len(known.mailboxes) > 1
    already = several and intake.already_received(row)
    if already:  # the same mail reached another of our mailboxes (both in To/CC): one ticket
        row.state, row.ticket_id, row.message = InboundState.PROCESSED, already.ticket_id, already
        row.reason = _("Already received through another mailbox.")
        return
    if ticket is None and not row.checks_skipped and intake.spam_hold(row, parsed, probe):
        return  # held in the Spam view; bulk mail is scored too, as it would open a ticket as well
    contact = existing or intake.contact_for(sender=sender, name=parsed.sender.name, company=probe.company)
    if ticket is not None:
        try:
            _reply(row, parsed, ticket, contact, intake)
            return
        except Conflict as error:
            if error.code != "ticket_closed":
                raise
        _open(row, parsed, contact, intake, follows=ticket)
        return
    _open(row, parsed, contact, intake)


def _open(
    row: InboundEmail, parsed: ParsedEmail, contact: Contact, intake: Intake, follows: Ticket | None = None
) -> None:
    mailbox = row.mailbox
    body = parsed.text.strip() or _("(no text)")
    if follows is not None:
        body = _("Follows up the closed request #%(number)s.") % {"number": follows.pk} + "\n\n" + body
    attachments, left_out = intake.attachments(parsed)
    ticket, message = intake.open_ticket(
        actor=Actor(contact=contact),
        requester=contact,
        subject=parsed.subject or _("(no subject)"),
        body=body + left_out,
        body_html="" if follows is not None or left_out else parsed.html,
        channel=Channel.EMAIL,
        category=mailbox.category if mailbox.category and mailbox.category.is_active else None,
        line=mailbox.line,
        response_preference=ResponsePreference.EMAIL,
        attachments=attachments,
        external_id=row.dedupe_key,
    )
    row.state, row.ticket, row.message = InboundState.PROCESSED, ticket, message


def _reply(row: InboundEmail, parsed: ParsedEmail, ticket: Ticket, contact: Contact, intake: Intake) -> None:
    attachments, left_out = intake.attachments(parsed)
    text = (parsed.reply_text or parsed.text).strip() or _("(no text)")
    message = intake.reply(
        ticket=ticket,
        actor=Actor(contact=contact),
        body=text + left_out,
        channel=Channel.EMAIL,
        external_id=row.dedupe_key,
        attachments=attachments,
    )
    row.state, row.ticket, row.message = InboundState.PROCESSED, ticket, message


def _from_agent(row: InboundEmail, parsed: ParsedEmail, agent: Agent) -> None:
    """Agents' mail is kept as an internal note on the ticket it continues: a forged From never reaches customers."""
    contact = Contact(email=agent.user.email)
    ticket = ticket_for_mail(parsed, contact)
    if ticket is None:
        _hold(row, InboundState.IGNORED, _("A mail from an agent that continues no ticket."))
        return
    attachments, left_out = mail_attachments(parsed, uploader=agent.user)
    message = ticket_add_note(
        ticket=ticket,
        actor=Actor(user=agent.user, agent=agent),
        body=((parsed.reply_text or parsed.text).strip() or _("(no text)")) + left_out,
        attachments=attachments,
    )
    row.state, row.ticket, row.message = InboundState.PROCESSED, ticket, message


def _bounce(row: InboundEmail, parsed: ParsedEmail) -> None:
    """A delivery report: marks what we sent as failed (when permanent) and tells the agents on the ticket."""
    bounce = parsed.bounce
    assert bounce is not None
    delivery = (
        Delivery.objects.filter(channel=Channel.EMAIL, external_id=bounce.original_message_id).first()
        if bounce.original_message_id
        else None
    )
    if delivery is None:
        _hold(row, InboundState.IGNORED, _("A delivery report about a mail we do not know."))
        return
    reason = " ".join(x for x in (bounce.status, bounce.diagnostic) if x)[:500]
    if bounce.permanent:
        Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.FAILED, last_error=reason)
    heading = (
        _("Our mail to %(to)s was not delivered:") if bounce.permanent else _("Our mail to %(to)s is delayed:")
    ) % {"to": ", ".join(bounce.recipients) or ", ".join(delivery.recipients)}
    _note(row, delivery.ticket, heading, reason or parsed.reply_text, parsed)


def _note(row: InboundEmail, ticket: Ticket, heading: str, text: str, parsed: ParsedEmail) -> None:
    """Keep an automatic mail on the ticket as a system note: agents see it, nothing is sent, no status moves."""
    attachments, left_out = mail_attachments(parsed)
    message = ticket_add_note(
        ticket=ticket,
        actor=Actor.system(_("email")),
        body=f"{heading}\n\n{(text or '').strip()}{left_out}".strip(),
        attachments=attachments,
    )
    row.state, row.ticket, row.message = InboundState.PROCESSED, ticket, message
    row.reason = heading[:255]


def _hold(row: InboundEmail, state: InboundState, reason: str) -> None:
    row.state, row.reason = state, reason[:255]


def _over_rate_limit(row: InboundEmail, sender: str, intake: Intake) -> bool:
    since = row.received_at - RATE_WINDOW
    recent = intake.mails_from(sender, since=since, until=row.received_at, besides=row.pk)
    return recent >= settings.OTVET_EMAIL_SENDER_LIMIT_PER_HOUR


def _copy_recipients(parsed: ParsedEmail, known: Directory, sender: str) -> list[str]:
    """Everyone else the customer wrote to, for reply-all: not us, not the sender."""
    seen: dict[str, None] = {}
    for address in (*parsed.to, *parsed.cc):
        email = address.email
        if email and "@" in email and email != sender and not known.is_ours(email):
            seen[email] = None
    return list(seen)[:20]


def mail_attachments(
    parsed: ParsedEmail, store: Callable[..., Attachment] | None = None, uploader: User | None = None
) -> tuple[list[Attachment], str]:
    """The mail's files stored as attachments (by `store`: saved, or built for a batch to save), and a line
    naming those left out (too large)."""
    store = store or attachment_store
    stored: list[Attachment] = []
    left_out: list[str] = []
    for part in parsed.attachments:
        try:
            stored.append(store(content=part.content, filename=part.filename, uploaded_by=uploader))
        except TooLarge:
            left_out.append(part.filename)
    note = ""
    if left_out:
        note = "\n\n" + _("Attachments left out (too large): %(names)s") % {"names": ", ".join(left_out)}
    return stored, note


def inbound_email_failed(inbound_id: int, error: Exception, *, permanent: bool) -> None:
    """Record a failed attempt in its own transaction; after the last attempt the mail waits for an agent."""
    row = InboundEmail.objects.filter(pk=inbound_id, state=InboundState.PENDING).first()
    if row is None:
        return
    row.save(update_fields=inbound_email_attempt_failed(row, error, permanent=permanent))


def inbound_email_attempt_failed(row: InboundEmail, error: Exception, *, permanent: bool) -> list[str]:
    """Count a failed attempt on a pending row as it was before the attempt; the fields to save."""
    row.attempts += 1
    row.error = f"{type(error).__name__}: {error}"[:2000]
    fields = ["attempts", "error"]
    if permanent or row.attempts >= MAX_ATTEMPTS:
        row.state = InboundState.FAILED
        row.reason = _("Processing failed; see the error.")
        fields += ["state", "reason"]
    return fields


def inbound_emails_stalled(limit: int = 200) -> list[int]:
    """Pending mails whose job was lost or crashed (stored a while ago, still pending)."""
    cutoff = clock.now() - STALL_AFTER
    return list(
        InboundEmail.objects.filter(state=InboundState.PENDING, received_at__lt=cutoff)
        .order_by("received_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
