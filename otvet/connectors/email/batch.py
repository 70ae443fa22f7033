"""Processing pending inbound mail in batches (docs/adr/0005): one worker's way to its intake target.

A job claims its own mail and up to a hundred other pending ones, in the order received, and processes them in one
transaction by the rules of email/process.py (`_route`, written once). `BatchIntake` answers the rules' questions
from rows read once for the whole batch (senders, companies, rate-limit windows, threading candidates, the senders'
history, the spam model) and builds the new contacts, tickets and replies, which are written together by a few
bulk statements. What it does not cover (bounces, agents' mail, automatic notes, anything unusual) takes the
one-mail path inside the batch, after what was built before it is written, each mail in its own savepoint: a
mail that fails is recorded as a failed attempt and the others go on. If a bulk write fails (another worker took
a new sender's address first), the batch starts over with every mail on the one-mail path. A crash leaves all of
them pending; the unique keys make a second run create nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from otvet.accounts.models import User
from otvet.connectors.choices import InboundState
from otvet.connectors.email.facts import BatchFacts, Unbatched
from otvet.connectors.email.parse import ParsedEmail, parse_email
from otvet.connectors.email.process import (
    PROCESSED_FIELDS,
    Intake,
    inbound_email_attempt_failed,
    inbound_email_route,
    mail_attachments,
)
from otvet.connectors.models import InboundEmail, Mailbox
from otvet.connectors.spam_services import SpamTally, spam_hold
from otvet.core import clock
from otvet.core.bulk import update_many
from otvet.core.errors import ServiceError
from otvet.customers.choices import IdentityKind
from otvet.customers.models import Company, Contact, ContactIdentity
from otvet.customers.services import contact_new, contacts_create_many
from otvet.tickets.models import Attachment, Message, Ticket
from otvet.tickets.services.attachments import attachment_build
from otvet.tickets.services.bulk import tickets_save_many
from otvet.tickets.services.intake import NewTicket, ticket_build
from otvet.tickets.services.messages import NewReply, reply_build

logger = logging.getLogger(__name__)

BATCH_SIZE = 100  # mails a job claims: the fixed cost of a batch (some 30 statements) is then small per mail


def inbound_emails_process(inbound_id: int, limit: int = BATCH_SIZE) -> InboundEmail | None:
    """Process a pending mail together with up to `limit - 1` other pending mails, in the order received, in one
    transaction; returns the mail as it ended (None if it is gone). A mail that is not pending is left as it is."""
    # Most jobs find their mail taken by an earlier batch: one read, no transaction (no write lock on SQLite).
    seen = InboundEmail.objects.filter(pk=inbound_id).only("pk", "state", "error").first()
    if seen is None or seen.state != InboundState.PENDING:
        return seen
    with transaction.atomic():
        own = _claim().filter(pk=inbound_id).first()  # waits for a batch that holds it, then sees what it did
        if own is None or own.state != InboundState.PENDING:
            return own
        # Other workers' batches keep theirs: SKIP LOCKED on PostgreSQL (SQLite serializes writing transactions).
        others = (
            _claim(skip_locked=True)
            .filter(state=InboundState.PENDING)
            .exclude(pk=own.pk)
            .order_by("received_at", "id")[: limit - 1]
        )
        rows = _with_mailboxes(sorted([own, *others], key=lambda row: (row.received_at, row.pk)))
        Batch(rows).run()
    if not transaction.get_connection().in_atomic_block:  # committed, not a savepoint of the caller's transaction
        _finish([row.pk for row in rows if row is not own and row.state != InboundState.PENDING])
    return own


def taken_by_a_batch(inbound_id: int) -> bool:
    """Whether a batch of this process finished the mail; asked once, by the job its store queued, so that this
    job, which usually follows the batch in the same queue, costs no database round trip (on SQLite a connection
    alone costs more than a mail in a batch). Only that job may ask: the mail can be pending again only through
    a release, whose own job must not be skipped."""
    return _finished.pop(inbound_id, None) is not None


_finished: dict[int, float] = {}  # mail id -> when a batch of this process committed it (not pending any more)
FINISHED_KEPT_SECONDS = 600  # a job queued longer than this checks the database, as any job of another worker
FINISHED_KEPT_AT_MOST = 100 * BATCH_SIZE


def _finish(ids: list[int]) -> None:
    now = time.monotonic()
    if len(_finished) > 10 * BATCH_SIZE:  # jobs that ran on another worker never ask: forget old answers
        for key, at in list(_finished.items()):
            if now - at > FINISHED_KEPT_SECONDS:
                del _finished[key]
        if len(_finished) > FINISHED_KEPT_AT_MOST:  # forgetting only costs those jobs a look at the database
            _finished.clear()
    _finished.update(dict.fromkeys(ids, now))


def _claim(*, skip_locked: bool = False) -> Any:
    return InboundEmail.objects.select_for_update(skip_locked=skip_locked)


def _with_mailboxes(rows: list[InboundEmail]) -> list[InboundEmail]:
    """The rows with their mailboxes (and the mailboxes' line and category), read once for the batch."""
    mailboxes = Mailbox.objects.select_related("line", "category").in_bulk({row.mailbox_id for row in rows})
    for row in rows:
        row.mailbox = mailboxes[row.mailbox_id]
    return rows


class Batch:
    """The claimed rows of one job, processed in order; each row is saved with what became of it."""

    def __init__(self, rows: list[InboundEmail]) -> None:
        self.rows = rows
        self.before = {row.pk: _snapshot(row) for row in rows}
        self.parsed: dict[int, ParsedEmail] = {}

    def run(self) -> None:
        readable = []
        for row in self.rows:
            try:
                self.parsed[row.pk] = parse_email(bytes(row.raw))
                readable.append(row)
            except Exception as error:  # parse_email tolerates broken mail; this is a bug, retried like one
                logger.exception("parsing inbound mail %s failed", row.pk)
                inbound_email_attempt_failed(row, error, permanent=False)
        try:
            with transaction.atomic():
                intake = BatchIntake(readable, self.parsed)
                for row in readable:
                    intake.take(row)
                intake.finish()
        except Exception:  # a bulk write failed (e.g. a new sender's address taken meanwhile): one mail at a time
            logger.warning("a batch of %s mails is processed one by one", len(readable), exc_info=True)
            for row in readable:
                _restore(row, self.before[row.pk])
            for row in readable:
                one_by_one(row, self.parsed[row.pk], self.before[row.pk])
                row.save(update_fields=PROCESSED_FIELDS)  # read by the next mail's rules (senders' history, CC)
        update_many([row for row in self.rows if row.pk not in self.parsed], PROCESSED_FIELDS)


def one_by_one(row: InboundEmail, parsed: ParsedEmail, before: dict[str, Any]) -> None:
    """The one-mail path in a savepoint; a failure rolls the mail back and is recorded as a failed attempt."""
    try:
        with transaction.atomic():
            inbound_email_route(row, parsed, Intake())
    except Exception as error:
        logger.warning("inbound mail %s failed: %s", row.pk, error, exc_info=not isinstance(error, ServiceError))
        _restore(row, before)
        inbound_email_attempt_failed(row, error, permanent=isinstance(error, ServiceError))


@dataclass
class Plan:
    """What the fast path built for one mail; kept only when the whole mail went through."""

    row: InboundEmail
    contact: tuple[Contact, ContactIdentity] | None = None
    opened: NewTicket | None = None
    replied: NewReply | None = None
    tally: SpamTally = field(default_factory=SpamTally)


class BatchIntake(Intake):
    """The rules' questions answered from rows read once for the batch (plus what the batch itself did so far),
    and their tickets and replies built, to be written together by `flush`."""

    def __init__(self, rows: list[InboundEmail], parsed: dict[int, ParsedEmail]) -> None:
        self.facts = BatchFacts(rows, parsed)
        self.threads = self.facts
        self.parsed = parsed
        self.plan: Plan | None = None
        self.pending: list[Plan] = []
        self.done: list[InboundEmail] = []  # rows processed since the last flush
        self.tally = SpamTally()

    def take(self, row: InboundEmail) -> None:
        """Process one row: on the fast path, else (after writing what was built so far) on the one-mail path."""
        before = _snapshot(row)
        self.plan = plan = Plan(row)
        try:
            inbound_email_route(row, self.parsed[row.pk], self)
        except Exception as error:
            if plan.replied is not None:  # a locked ticket was moved in memory: only a fresh start is safe
                raise
            if not isinstance(error, (Unbatched, ServiceError)):
                logger.warning("inbound mail %s left the batch path: %r", row.pk, error)
            _restore(row, before)
            self.flush()
            one_by_one(row, self.parsed[row.pk], before)
            self.facts.learn(row)
            self.done.append(row)
            return
        finally:
            self.plan = None
        self.pending.append(plan)
        self.facts.built(row, plan.contact[0] if plan.contact else None, plan.opened or plan.replied)
        self.tally.add(plan.tally)
        self.done.append(row)

    def flush(self) -> None:
        """Write what the fast path built so far, and the rows processed so far (the one-mail path reads them)."""
        plans, self.pending = self.pending, []
        contacts = [plan.contact for plan in plans if plan.contact is not None]
        if contacts:
            contacts_create_many([contact for contact, _identity in contacts], [identity for _c, identity in contacts])
        opened = [plan.opened for plan in plans if plan.opened is not None]
        replied = [plan.replied for plan in plans if plan.replied is not None]
        tickets_save_many(opened, replied)
        self.facts.saved(opened)
        rows, self.done = self.done, []
        update_many(rows, PROCESSED_FIELDS)

    def finish(self) -> None:
        """Write the rest; the spam figures are counted once, after the commit."""
        self.flush()
        self.tally.count_after_commit()

    def _plan(self) -> Plan:
        assert self.plan is not None
        return self.plan

    # --- the rules' questions ------------------------------------------------------------------------------------

    def mails_from(self, sender: str, *, since: dt.datetime, until: dt.datetime, besides: int) -> int:
        return self.facts.mails_from(sender, since=since, until=until, besides=besides)

    def contact_by_email(self, sender: str) -> Contact | None:
        return self.facts.contacts.get(sender)

    def company_for_email(self, sender: str) -> Company | None:
        return self.facts.company_for_email(sender)

    def already_received(self, row: InboundEmail) -> Message | None:
        return self.facts.already_received(row)

    def spam_hold(self, row: InboundEmail, parsed: ParsedEmail, probe: Contact) -> bool:
        facts = self.facts
        return spam_hold(row, parsed, probe, history=facts.history, scorer=facts.scorer, tally=self._plan().tally)

    # --- what the rules do ---------------------------------------------------------------------------------------

    def contact_for(self, *, sender: str, name: str, company: Company | None) -> Contact:
        """As contact_for_identity: the contact with this address that has no identity yet, else a new one."""
        contact = self.facts.contacts_by_email.get(sender) or contact_new(
            value=sender, name=name, email=sender, company=company
        )
        identity = ContactIdentity(contact=contact, kind=IdentityKind.EMAIL, value=sender, created_at=clock.now())
        self._plan().contact = (contact, identity)
        return contact

    def attachments(self, parsed: ParsedEmail, uploader: User | None = None) -> tuple[list[Attachment], str]:
        return mail_attachments(parsed, attachment_build, uploader)

    def open_ticket(self, **arguments: Any) -> tuple[Ticket, Message]:
        new = ticket_build(**arguments)
        self._plan().opened = new
        return new.ticket, new.message

    def reply(self, **arguments: Any) -> Message:
        new = reply_build(**arguments)  # the ticket is the batch's locked copy (facts.ticket_of / facts.ticket)
        self._plan().replied = new
        return new.message

    def bounce(self, row: InboundEmail, parsed: ParsedEmail) -> None:
        raise Unbatched("a delivery report")

    def from_agent(self, row: InboundEmail, parsed: ParsedEmail, agent_id: int) -> None:
        raise Unbatched("an agent's mail")

    def note(self, row: InboundEmail, ticket: Ticket, heading: str, text: str, parsed: ParsedEmail) -> None:
        raise Unbatched("an automatic mail on a ticket")


FIELDS = {column.name: column for column in InboundEmail._meta.concrete_fields if column.name in PROCESSED_FIELDS}


def _snapshot(row: InboundEmail) -> dict[str, Any]:
    """The processing fields of a row as claimed, to put back when its processing is rolled back."""
    return {name: getattr(row, column.attname) for name, column in FIELDS.items()}


def _restore(row: InboundEmail, before: dict[str, Any]) -> None:
    """Put back what _snapshot took; a related object cached since (a ticket of the rolled-back work) is dropped."""
    for name, value in before.items():
        column = FIELDS[name]
        if column.is_relation and column.is_cached(row):  # type: ignore[attr-defined]
            column.delete_cached_value(row)  # type: ignore[attr-defined]
        setattr(row, column.attname, value)
