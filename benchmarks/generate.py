"""Generating bench tickets with their conversations, events and search entries, fast.

This is the one place in Otvet that writes tickets without the services (STYLE.md rule 1 otherwise holds): a
million tickets through ticket_open would take hours, so rows are written in batches (COPY on PostgreSQL,
executemany on SQLite). To stay faithful to what the services would have written, every row carries the same
denormalised fields (is_open, waiting_since, first response, last messages, resolved/closed moments), each
message has its event (already processed: this is history), and search entries are built the way
search_reindex builds them.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from benchmarks.corpus import Corpus
from benchmarks.world import PREFIX, World
from benchmarks.writer import Table, analyze, next_id, reset_sequences
from otvet.core.sanitize import text_to_html
from otvet.demo import texts
from otvet.search import backends
from otvet.tickets.choices import AuthorKind, EventKind, MessageKind, StatusCategory
from otvet.tickets.models import Message, Ticket, TicketEvent

MINUTE, DAY = dt.timedelta(minutes=1), dt.timedelta(days=1)
SPAN = 3 * 365 * DAY  # bench tickets are spread over three years, numbers rising with time
RECENT = 30 * DAY
# Status mixes: recent tickets are still being worked; older ones are closed, bar the long internal waits.
RECENT_MIX = {
    "closed": 38,
    "done": 14,
    "open": 8,
    "in_progress": 12,
    "waiting_reply": 12,
    "waiting_rollout": 4,
    "waiting_development": 7,
    "testing": 3,
    "frozen": 2,
}
OLD_MIX = {"closed": 97, "waiting_development": 1.5, "frozen": 1, "waiting_rollout": 0.5}
PRIORITY_MIX = {10: 10, 20: 55, 30: 28, 40: 7}
LINE_MIX = {"first": 72, "second": 16, "marketing": 4, "vendor": 6, "incidents": 2}
CHANNEL_MIX = {"email": 35, "portal": 25, "telegram": 12, "webchat": 10, "phone": 6, "vk": 4, "viber": 3, "api": 5}
EXCHANGES = {0: 55, 1: 35, 2: 10}  # question-and-answer rounds before the outcome
NOTE_SHARE = 0.15
PARTNER_KEEPS = 0.7  # a partner's ticket stays in its own line unless transferred


@dataclass
class Generated:
    tickets: int = 0
    messages: int = 0
    events: int = 0
    seconds: float = 0.0


class Picker:
    """rng.choices over a fixed mix, with the cumulative weights computed once."""

    def __init__(self, rng: random.Random, mix: dict[Any, float]) -> None:
        self.rng, self.values = rng, list(mix)
        self.cumulative = [sum(list(mix.values())[: i + 1]) for i in range(len(mix))]

    def __call__(self) -> Any:
        return self.rng.choices(self.values, cum_weights=self.cumulative)[0]


class Batch:
    """The rows of one batch of tickets, built in memory."""

    def __init__(self, generator: Generator) -> None:
        self.g = generator
        self.tickets: list[dict[str, Any]] = []
        self.messages: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

    def ticket(self, number: int, created: dt.datetime) -> None:
        g, rng = self.g, self.g.rng
        status = g.statuses[(g.recent if g.now - created < RECENT else g.old)()]
        contact_id, company_id = rng.choice(g.world.contacts)
        partner, site = g.companies[company_id]
        conversation = g.corpus.conversation(site)
        in_partner_line = partner and rng.random() < PARTNER_KEEPS
        line = g.world.lines[f"{PREFIX}partner"] if in_partner_line else g.world.lines[g.line()]
        new = status.category == StatusCategory.NEW
        agent, user = (None, None) if new else rng.choice(g.world.partner_agents if in_partner_line else g.world.agents)
        self.moment, self.number, self.channel = created, number, g.channel()
        self.last = {AuthorKind.CUSTOMER: created, AuthorKind.AGENT: None}
        self.message(AuthorKind.CUSTOMER, contact_id, conversation.first, EventKind.CREATED, at=created)
        claimed = first_response = None
        if not new:
            claimed = self.step(5, 240)
            self.event(EventKind.CLAIMED, user, claimed)
            for _ in range(g.exchanges()):
                moment = self.step(5, 480)
                first_response = first_response or moment
                self.message(AuthorKind.AGENT, user, conversation.asks[0], EventKind.REPLIED)
                self.step(30, 2880)
                self.message(AuthorKind.CUSTOMER, contact_id, conversation.asks[1], EventKind.REPLIED)
            if rng.random() < NOTE_SHARE:
                self.step(2, 120)
                self.message(AuthorKind.AGENT, user, conversation.note, EventKind.NOTE_ADDED, kind=MessageKind.NOTE)
            outcome = self._outcome(status, conversation)
            if outcome is not None:
                moment = self.step(10, 1440)
                first_response = first_response or moment
                self.message(AuthorKind.AGENT, user, outcome[0], outcome[1])
        resolved = closed = None
        if status.category in (StatusCategory.SOLVED, StatusCategory.CLOSED):
            resolved = self.moment
        if status.category == StatusCategory.CLOSED:
            closed = self.step(3 * 1440, 3 * 1440 + 60)
            self.event(EventKind.STATUS_CHANGED, None, closed, note=texts.REASON_AUTOCLOSE)
        last_customer, last_agent = self.last[AuthorKind.CUSTOMER], self.last[AuthorKind.AGENT]
        self.tickets.append(
            {
                "number": number,
                "subject": conversation.subject,
                "requester_id": contact_id,
                "company_id": company_id,
                "channel": self.channel,
                "status_id": status.pk,
                "is_open": status.is_open,
                "priority": g.priority(),
                "category_id": rng.choice(g.world.categories) if g.world.categories and rng.random() < 0.7 else None,
                "line_id": line,
                "assignee_id": agent,
                "created_at": created,
                "updated_at": self.moment,
                # The ball changes court with each public message, which alternate here: the last one set it.
                "waiting_since": max(m for m in (last_customer, last_agent) if m is not None),
                "status_changed_at": self.moment if not new else created,
                "claimed_at": claimed,
                "first_response_at": first_response,
                "last_customer_message_at": last_customer,
                "last_agent_message_at": last_agent,
                "last_interaction_at": self.moment,
                "resolved_at": resolved,
                "closed_at": closed,
            }
        )

    def _outcome(self, status: Any, conversation: Any) -> tuple[str, EventKind] | None:
        """The last public reply from support for a status, and its event."""
        language = conversation.language
        if status.category in (StatusCategory.SOLVED, StatusCategory.CLOSED):
            return conversation.solution, EventKind.RESOLVED
        if status.category == StatusCategory.WAITING_CUSTOMER:
            return texts.SECOND_ASK[language], EventKind.REPLIED
        if status.category == StatusCategory.WAITING_INTERNAL:
            wait = status.code if status.code in texts.WAIT_REPLIES else "waiting_development"
            return texts.WAIT_REPLIES[wait][language], EventKind.REPLIED
        return None  # in progress: claimed, the customer's message is the last word

    def step(self, low: float, high: float) -> dt.datetime:
        self.moment = min(self.moment + self.g.rng.uniform(low, high) * MINUTE, self.g.now)
        return self.moment

    def message(
        self,
        author: AuthorKind,
        who: int | None,
        body: str,
        event: EventKind,
        *,
        kind: str = MessageKind.REPLY,
        at: Any = None,
    ) -> None:
        g, moment = self.g, at or self.moment
        message_id = g.message_id
        g.message_id += 1
        is_agent = author == AuthorKind.AGENT
        self.messages.append(
            {
                "id": message_id,
                "ticket_id": self.number,
                "kind": kind,
                "author_kind": author,
                "author_user_id": who if is_agent else None,
                "author_contact_id": None if is_agent else who,
                "channel": self.channel,
                "body_text": body,
                "body_html": text_to_html(body),
                "external_id": "",
                "created_at": moment,
            }
        )
        if kind == MessageKind.REPLY:
            self.last[author] = moment
        self.event(event, who if is_agent else None, moment, message_id=message_id, author=author)

    def event(
        self,
        kind: EventKind,
        user: int | None,
        moment: dt.datetime,
        *,
        message_id: int | None = None,
        author: AuthorKind | None = None,
        note: str = "",
    ) -> None:
        g = self.g
        self.events.append(
            {
                "id": g.event_id,
                "ticket_id": self.number,
                "kind": kind,
                "actor_kind": author or (AuthorKind.AGENT if user else AuthorKind.SYSTEM),
                "actor_id": user,
                "changes": {},
                "message_id": message_id,
                "note": note,
                "created_at": moment,
                "processed_at": moment,
            }
        )
        g.event_id += 1


class Generator:
    """Writes `count` bench tickets in batches, each batch in one transaction."""

    def __init__(self, world: World, *, seed: int) -> None:
        self.world, self.rng = world, random.Random(seed)
        self.corpus = Corpus(self.rng)
        self.now = timezone.now()
        self.statuses = world.statuses
        self.companies = {pk: (partner, site) for pk, partner, site in world.companies}
        self.recent, self.old = Picker(self.rng, RECENT_MIX), Picker(self.rng, OLD_MIX)
        self.priority, self.line = Picker(self.rng, PRIORITY_MIX), Picker(self.rng, LINE_MIX)
        self.channel, self.exchanges = Picker(self.rng, CHANNEL_MIX), Picker(self.rng, EXCHANGES)
        self.tables = {model: Table(model) for model in (Ticket, Message, TicketEvent)}
        self.message_id, self.event_id = next_id(Message), next_id(TicketEvent)

    def run(self, count: int, *, batch: int, progress: Callable[[int, int], None]) -> Generated:
        started, done = time.monotonic(), Generated()
        number, first = next_id(Ticket), self.now - SPAN
        for offset in range(0, count, batch):
            rows = Batch(self)
            for index in range(offset, min(offset + batch, count)):
                rows.ticket(number, first + SPAN * ((index + self.rng.random()) / count))
                number += 1
            with transaction.atomic():
                done.tickets += self.tables[Ticket].insert(rows.tickets)
                done.messages += self.tables[Message].insert(rows.messages)
                done.events += self.tables[TicketEvent].insert(rows.events)
                index_search(rows)
            progress(done.tickets, count)
        reset_sequences([Ticket, Message, TicketEvent])
        analyze()
        done.seconds = time.monotonic() - started
        return done


def index_search(rows: Batch) -> None:
    """Search entries for a batch: subjects and messages, as search_reindex writes them."""
    if not rows.tickets:
        return
    if connection.vendor == "postgresql":
        # The same to_tsvector('russian', ...) as backends.upsert, computed next to the rows instead of shipped.
        first, last = rows.tickets[0]["number"], rows.tickets[-1]["number"]
        with connection.cursor() as cursor:
            insert = f"INSERT INTO {backends.TABLE} (key, ticket_id, is_public, vector) "
            cursor.execute(
                f"{insert} SELECT -number, number, true, to_tsvector('russian', subject) "
                f"FROM {Ticket._meta.db_table} WHERE number BETWEEN %s AND %s",
                [first, last],
            )
            cursor.execute(
                f"{insert} SELECT id, ticket_id, kind = %s, to_tsvector('russian', body_text) "
                f"FROM {Message._meta.db_table} WHERE ticket_id BETWEEN %s AND %s",
                [MessageKind.REPLY.value, first, last],
            )
        return
    entries = [(-t["number"], t["number"], True, t["subject"]) for t in rows.tickets]
    entries += [(m["id"], m["ticket_id"], m["kind"] == MessageKind.REPLY, m["body_text"]) for m in rows.messages]
    backends.upsert(entries)
