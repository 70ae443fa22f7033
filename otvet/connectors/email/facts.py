"""What the intake rules ask about a batch of mail, read at once for all its mails (email/batch.py).

A handful of queries answer for a hundred mails: the senders' identities, contacts and companies, their mail in the
rate-limit windows and their history (for the spam classifier), the tickets the mails may continue (by headers,
ticket tokens and subject references, locked as ticket_reply locks them). As the batch goes on, what it did is
added (`built`, `saved`, `learn`), so that each mail sees what the mails before it did, as one by one it would.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from functools import reduce
from operator import or_

from django.db.models import Q
from django.db.models.functions import Lower

from otvet.connectors.choices import InboundState
from otvet.connectors.email.parse import ParsedEmail
from otvet.connectors.email.process import RATE_WINDOW
from otvet.connectors.email.spam import SenderContext
from otvet.connectors.email.threading import (
    ThreadLookup,
    number_from_addresses,
    number_from_subject,
    recipient_addresses,
    replied_ids,
)
from otvet.connectors.models import Delivery, InboundEmail
from otvet.connectors.spam_services import BatchScorer, SendersHistory, sender_context, spam_classifier
from otvet.customers.choices import IdentityKind
from otvet.customers.models import Company, Contact, ContactIdentity
from otvet.customers.services import contact_by_identity
from otvet.tickets.choices import Channel
from otvet.tickets.models import Message, Ticket
from otvet.tickets.services.intake import NewTicket
from otvet.tickets.services.messages import NewReply


class Unbatched(Exception):
    """The mail needs what only the one-mail path does; it is processed that way, inside the batch."""


class BatchFacts(ThreadLookup):
    """The rows a batch's rules read, and what the batch did since; answers as the database would."""

    def __init__(self, rows: list[InboundEmail], parsed: dict[int, ParsedEmail]) -> None:
        self.parsed = parsed
        senders = {p.sender.email for p in parsed.values() if "@" in p.sender.email}
        identities = ContactIdentity.objects.select_related("contact__company__partner")
        self.contacts: dict[str, Contact] = {
            identity.value: identity.contact
            for identity in identities.filter(kind=IdentityKind.EMAIL, value__in=senders)
        }
        unknown = senders - set(self.contacts)
        self.contacts_by_email = _contacts_by_email(unknown)
        self.companies = _companies({sender.rpartition("@")[2] for sender in unknown})
        self.recent = _recent_mail(rows, parsed)
        self.history = SendersHistory(
            {row.sender for row in rows}, [*self.contacts.values(), *self.contacts_by_email.values()]
        )

        ids = {mail_id for p in parsed.values() for mail_id in replied_ids(p)}
        keys = {row.dedupe_key for row in rows}
        # The non-empty condition lets PostgreSQL use the partial unique index of external ids (an IN list alone
        # does not prove it).
        known = Message.objects.filter(channel=Channel.EMAIL, external_id__in=ids | keys).exclude(external_id="")
        self.message_tickets: dict[str, int] = {}
        self.received: dict[str, Message] = {}  # the mails of this batch that are ticket messages already
        for message in known.only("pk", "ticket_id", "external_id"):
            self.message_tickets[message.external_id] = message.ticket_id
            if message.external_id in keys:
                self.received[message.external_id] = message
        sent = Delivery.objects.filter(channel=Channel.EMAIL, external_id__in=ids).exclude(external_id="")
        sent = sent if ids else Delivery.objects.none()
        self.delivery_tickets: dict[str, int] = dict(sent.values_list("external_id", "ticket_id"))
        numbers = {*self.message_tickets.values(), *self.delivery_tickets.values()}
        for p in parsed.values():
            numbers.update(
                n for n in (number_from_addresses(recipient_addresses(p)), number_from_subject(p.subject)) if n
            )
        self.tickets: dict[int, Ticket] = {ticket.pk: ticket for ticket in _locked(numbers)} if numbers else {}
        self.new_by_mail_id: dict[str, Ticket] = {}  # messages built in this batch and not saved yet
        self.unsaved_tickets = 0
        self.scorer = BatchScorer(spam_classifier(), self._expected_spam_contexts(rows))

    def _expected_spam_contexts(self, rows: list[InboundEmail]) -> dict[int, tuple[ParsedEmail, SenderContext]]:
        """For the mails that may open a ticket (and so be scored), their senders' context as it will be if
        every mail before them in the batch is processed (the usual case; the scorer checks)."""
        ahead = self.history.copy()
        expected = {}
        for row in rows:
            parsed = self.parsed[row.pk]
            sender = parsed.sender.email
            if "@" not in sender or parsed.bounce is not None:
                continue
            if not any(self.message_tickets.get(i) or self.delivery_tickets.get(i) for i in replied_ids(parsed)):
                contact = self.contacts.get(sender) or Contact(email=sender, company=self.company_for_email(sender))
                context = sender_context(sender=row.sender, contact=contact, before=row.received_at, history=ahead)
                expected[row.pk] = (parsed, context)
            ahead.processed(row.sender, row.received_at)
        return expected

    # --- the rules' questions --------------------------------------------------------------------------------

    def mails_from(self, sender: str, *, since: dt.datetime, until: dt.datetime, besides: int) -> int:
        """How many other mails of the sender were received within [since, until] (all of them stored already)."""
        times, ids = self.recent.get(sender, ([], []))
        start, end = bisect.bisect_left(times, since), bisect.bisect_right(times, until)
        return end - start - (1 if besides in ids[start:end] else 0)

    def company_for_email(self, sender: str) -> Company | None:
        return self.companies.get(sender.rpartition("@")[2].lower())

    def already_received(self, row: InboundEmail) -> Message | None:
        message = self.received.get(row.dedupe_key)
        if message is None and (row.dedupe_key in self.new_by_mail_id or row.dedupe_key in self.message_tickets):
            raise Unbatched("the same mail twice in one batch")
        return message

    def ticket_of(self, mail_id: str) -> Ticket | None:
        ticket = self.new_by_mail_id.get(mail_id)
        if ticket is not None:
            return ticket
        ticket_id = self.message_tickets.get(mail_id) or self.delivery_tickets.get(mail_id)
        return self._ticket(ticket_id) if ticket_id is not None else None

    def ticket(self, number: int) -> Ticket | None:
        if number in self.tickets:
            return self.tickets[number]
        if self.unsaved_tickets:  # it may be one of them, with no number yet: the database will know
            raise Unbatched("a ticket number that may be new")
        return None

    def was_in_copy(self, ticket: Ticket, email: str) -> bool:
        raise Unbatched("a subject reference by someone who may have been in copy")

    def _ticket(self, number: int) -> Ticket:
        ticket = self.tickets.get(number)
        if ticket is None:  # every candidate was read: only a ticket deleted meanwhile gets here
            raise Unbatched("a ticket that was not read")
        return ticket

    # --- what the batch did ------------------------------------------------------------------------------------

    def built(self, row: InboundEmail, contact: Contact | None, draft: NewTicket | NewReply | None) -> None:
        """A mail went through the fast path: its new contact and message count for the mails after it."""
        if contact is not None:
            self.contacts[self.parsed[row.pk].sender.email] = contact
        if draft is not None:
            self.new_by_mail_id[draft.message.external_id] = draft.ticket
            if isinstance(draft, NewTicket):
                self.unsaved_tickets += 1
        if row.state == InboundState.PROCESSED:
            self.history.processed(row.sender, row.received_at)

    def saved(self, opened: list[NewTicket]) -> None:
        """What was built is written: the new tickets have numbers, their messages are in the database."""
        for new in opened:
            self.tickets[new.ticket.pk] = new.ticket
        for mail_id, ticket in self.new_by_mail_id.items():
            self.message_tickets[mail_id] = ticket.pk
        self.new_by_mail_id.clear()
        self.unsaved_tickets = 0

    def learn(self, row: InboundEmail) -> None:
        """A mail went the one-mail path: read again what it may have changed (its ticket, the sender's contact)."""
        if row.state != InboundState.PROCESSED:
            return
        self.history.processed(row.sender, row.received_at)
        if row.ticket_id is not None:
            self.tickets.update({ticket.pk: ticket for ticket in _locked({row.ticket_id})})
            message = row.message
            if message is not None and message.external_id:
                self.message_tickets[message.external_id] = row.ticket_id
        sender = self.parsed[row.pk].sender.email
        if sender and sender not in self.contacts:
            contact = contact_by_identity(kind=IdentityKind.EMAIL, value=sender)
            if contact is not None:
                self.contacts[sender] = contact


def _locked(numbers: set[int]) -> list[Ticket]:
    """The tickets, locked in one order (as ticket_reply locks one) so that two batches cannot deadlock."""
    tickets = Ticket.objects.select_for_update(of=("self",)).select_related("status", "line")
    return list(tickets.filter(pk__in=numbers).order_by("pk"))


def _contacts_by_email(emails: set[str]) -> dict[str, Contact]:
    """For senders without an identity: the first contact with their address (contact_for_identity links it)."""
    if not emails:
        return {}
    found: dict[str, Contact] = {}
    contacts = Contact.objects.select_related("company__partner").annotate(address=Lower("email"))
    for contact in contacts.filter(address__in=emails).order_by("pk"):
        found.setdefault(contact.address, contact)  # type: ignore[attr-defined]
    return found


def _companies(domains: set[str]) -> dict[str, Company]:
    """For each domain, the company company_for_email would find (the first by name that lists it)."""
    domains = {domain.lower() for domain in domains if domain}
    if not domains:
        return {}
    found: dict[str, Company] = {}
    candidates = Company.objects.select_related("partner").filter(
        reduce(or_, (Q(email_domains__icontains=domain) for domain in domains))
    )
    for company in candidates:
        for domain in {d.lower().lstrip("@") for d in company.email_domains} & domains:
            found.setdefault(domain, company)
    return found


def _recent_mail(
    rows: list[InboundEmail], parsed: dict[int, ParsedEmail]
) -> dict[str, tuple[list[dt.datetime], list[int]]]:
    """Per sender, the times and ids of their mail within the rate-limit windows of the batch, in time order."""
    checked = [row for row in rows if not row.checks_skipped and "@" in parsed[row.pk].sender.email]
    if not checked:
        return {}
    senders = {parsed[row.pk].sender.email for row in checked}
    since = min(row.received_at for row in checked) - RATE_WINDOW
    until = max(row.received_at for row in checked)
    mail = InboundEmail.objects.filter(sender__in=senders, received_at__gte=since, received_at__lte=until)
    recent: dict[str, tuple[list[dt.datetime], list[int]]] = defaultdict(lambda: ([], []))
    for sender, received_at, pk in mail.order_by("received_at", "id").values_list("sender", "received_at", "pk"):
        times, ids = recent[sender]
        times.append(received_at)
        ids.append(pk)
    return dict(recent)
