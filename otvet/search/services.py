"""Keeping the search index in step with tickets and messages, and querying it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import QuerySet

from otvet.search import backends
from otvet.tickets.choices import EventKind, MessageKind
from otvet.tickets.models import Message, Ticket, TicketEvent

BATCH = 1000


def subject_entry(ticket: Ticket) -> tuple[int, int, bool, str]:
    return (-ticket.pk, ticket.pk, True, ticket.subject)


def message_entry(message: Message) -> tuple[int, int, bool, str]:
    return (message.pk, message.ticket_id, message.kind == MessageKind.REPLY, message.body_text)


def search_index_events(events: Sequence[TicketEvent]) -> None:
    """Event handler: index what the events added or changed, in one upsert (idempotent: entries are keyed)."""
    entries: dict[int, tuple[int, int, bool, str]] = {}  # by key: a batch may touch one ticket several times
    for event in events:
        if event.kind == EventKind.CREATED or "subject" in event.changes:
            entries[-event.ticket_id] = subject_entry(event.ticket)
        if event.message is not None:
            entries[event.message.pk] = message_entry(event.message)
    backends.upsert(list(entries.values()))


def search_reindex(tickets: QuerySet[Ticket] | None = None) -> int:
    """Rebuild the entries of `tickets` (default: all) in batches; returns the number of entries written."""
    tickets = tickets if tickets is not None else Ticket.objects.all()
    written = 0
    for batch in _batched(tickets.only("pk", "subject").order_by("pk").iterator(chunk_size=BATCH)):
        entries = [subject_entry(t) for t in batch]
        messages = Message.objects.filter(ticket__in=[t.pk for t in batch]).only("pk", "ticket_id", "kind", "body_text")
        entries += [message_entry(m) for m in messages]
        backends.upsert(entries)
        written += len(entries)
    return written


def tickets_matching(tickets: QuerySet[Ticket], query: str, *, include_internal: bool) -> QuerySet[Ticket]:
    """`tickets` narrowed to those whose subject or visible messages match `query` (stemmed, RU and EN)."""
    subquery = backends.matching_tickets(query, include_internal=include_internal)
    return tickets if subquery is None else tickets.filter(pk__in=subquery)


def _batched(rows: Iterable[Ticket]) -> Iterable[list[Ticket]]:
    batch: list[Ticket] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
