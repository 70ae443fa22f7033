"""Which ticket an inbound mail continues: by its headers, by the ticket token in our address, by the subject."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.crypto import constant_time_compare, salted_hmac

from otvet.connectors.email.parse import ParsedEmail
from otvet.connectors.models import Delivery, InboundEmail
from otvet.customers.models import Contact
from otvet.tickets.choices import Channel
from otvet.tickets.models import Message, Ticket

SUBJECT_REFERENCE = re.compile(r"\[(?:[^\[\]#]{0,40}\s)?#(\d{1,12})\]")
ADDRESS_TOKEN = re.compile(r"^[^+@]+\+t(\d{1,12})-([0-9a-f]{8})@", re.IGNORECASE)
HMAC_SALT = "otvet.connectors.email.ticket-token"


def ticket_token(number: int) -> str:
    """The part after "+" in a ticket's reply address: its number and a MAC, so no one can guess another's."""
    mac = salted_hmac(HMAC_SALT, str(number), algorithm="sha256").hexdigest()[:8]
    return f"t{number}-{mac}"


def reply_address(mailbox_address: str, number: int) -> str:
    """The mailbox's address with the ticket's token (support+t1042-xxxxxxxx@example.com)."""
    local, _at, domain = mailbox_address.partition("@")
    return f"{local}+{ticket_token(number)}@{domain}"


def number_from_addresses(addresses: Iterable[str]) -> int | None:
    """The ticket number of the first address that carries a valid token."""
    for address in addresses:
        match = ADDRESS_TOKEN.match(address or "")
        if match is None:
            continue
        number = int(match.group(1))
        if constant_time_compare(ticket_token(number), f"t{number}-{match.group(2).lower()}"):
            return number
    return None


def number_from_subject(subject: str) -> int | None:
    """The last `[#1042]` reference of a subject (forwarded chains prepend, the newest reference is the last)."""
    found = SUBJECT_REFERENCE.findall(subject or "")
    return int(found[-1]) if found else None


class ThreadLookup:
    """What threading asks of the database, one question at a time (a batch of mail answers from rows it read
    at once for all its mails; the rules below stay the same)."""

    def ticket_of(self, mail_id: str) -> Ticket | None:
        """The ticket of a mail we received or sent with this Message-ID."""
        ticket_id = (
            Message.objects.filter(channel=Channel.EMAIL, external_id=mail_id)
            .values_list("ticket_id", flat=True)
            .first()
            or Delivery.objects.filter(channel=Channel.EMAIL, external_id=mail_id)
            .values_list("ticket_id", flat=True)
            .first()
        )
        return Ticket.objects.filter(pk=ticket_id).first() if ticket_id is not None else None

    def ticket(self, number: int) -> Ticket | None:
        return Ticket.objects.filter(pk=number).first()

    def was_in_copy(self, ticket: Ticket, email: str) -> bool:
        """Someone was in copy of a mail on the ticket."""
        return InboundEmail.objects.filter(ticket=ticket, cc__icontains=email).exists()


DATABASE = ThreadLookup()


def replied_ids(parsed: ParsedEmail) -> list[str]:
    """The Message-IDs a mail answers, closest first: In-Reply-To, then References newest first."""
    return list(dict.fromkeys([*parsed.in_reply_to, *reversed(parsed.references)]))[:50]


def ticket_by_headers(parsed: ParsedEmail, lookup: ThreadLookup = DATABASE) -> Ticket | None:
    """The ticket of the closest of our stored Message-IDs that the mail replies to or references."""
    for msg_id in replied_ids(parsed):  # the first hit is the closest parent
        ticket = lookup.ticket_of(msg_id)
        if ticket is not None:
            return ticket
    return None


def is_participant(ticket: Ticket, contact: Contact, lookup: ThreadLookup = DATABASE) -> bool:
    """The sender may continue a ticket by subject: its requester, a colleague from its company, or someone in CC."""
    if ticket.requester_id == contact.pk:
        return True
    if ticket.company_id is not None and ticket.company_id == contact.company_id:
        return True
    email = (contact.email or "").lower()
    return bool(email) and lookup.was_in_copy(ticket, email)


def recipient_addresses(parsed: ParsedEmail) -> list[str]:
    """Where the mail went: To, CC and the transport's Delivered-To (a ticket token may be in any)."""
    return [a.email for a in (*parsed.to, *parsed.cc)] + list(parsed.delivered_to)


def ticket_for_mail(parsed: ParsedEmail, contact: Contact, lookup: ThreadLookup = DATABASE) -> Ticket | None:
    """The ticket a mail continues, or None for a new one. Unrelated mails with the same subject never merge:
    a bare subject matches nothing, and a `[#n]` reference counts only for the ticket's participants."""
    ticket = ticket_by_headers(parsed, lookup)
    if ticket is not None:
        return ticket
    number = number_from_addresses(recipient_addresses(parsed))
    if number is not None:
        ticket = lookup.ticket(number)
        if ticket is not None:
            return ticket
    number = number_from_subject(parsed.subject)
    if number is not None:
        ticket = lookup.ticket(number)
        if ticket is not None and is_participant(ticket, contact, lookup):
            return ticket
    return None
