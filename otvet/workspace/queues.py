"""The workspace's queues [очереди]: which open tickets each holds, and how many, cheaply.

Every queue holds open tickets only (is_open=True, which the partial queue indexes cover) among those the agent may
see (tickets_visible_to). The agent's *home lines* are the platform's lines for platform staff, and a partner's own
lines for its agents (the platform's lines when the partner has none of its own).

- «Новые» (new): in a home line, no public reply from support yet (first_response_at is null).
- «<first line> — требуется ответ» (needs-reply): in the home first line (the default line), support has replied
  before and the customer wrote after support's last public reply (last_customer_message_at >
  last_agent_message_at). Tickets without any reply are in «Новые», so the two never overlap (seed 004).
- one queue per other active home line (Вторая линия, Маркетинг, Вендор, Инциденты): every open ticket of that line;
  platform supervisors also get one per partner line.
- «Мои» (mine): assigned to the agent, in any line.
- «Без ответственного» (unassigned): in a home line, nobody assigned.

Counts come from one aggregate over the scope's open tickets, cached per scope for COUNTS_TTL seconds, plus one
count of the agent's own tickets cached per agent: the sidebar never counts over the whole table per request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from otvet.core.errors import NotFound
from otvet.tickets.access import Actor, lines_visible_to, tickets_visible_to
from otvet.tickets.models import Line

COUNTS_TTL = 15  # seconds; the sidebar polls every 20
NEW, NEEDS_REPLY, MINE, UNASSIGNED = "new", "needs-reply", "mine", "unassigned"
LINE_PREFIX = "line-"


@dataclass(frozen=True)
class Queue:
    """One entry of the sidebar: a named condition on open tickets."""

    key: str
    title: str
    description: str
    icon: str
    condition: Q
    line: Line | None = None


@dataclass
class Queues:
    """The queues an agent works, in sidebar order."""

    main: list[Queue]
    partner: list[Queue] = field(default_factory=list)  # partners' own lines, for platform supervisors
    lines: list[Line] = field(default_factory=list)  # every line the agent may see, active or not

    @property
    def all(self) -> list[Queue]:
        return [*self.main, *self.partner]

    def get(self, key: str) -> Queue:
        for queue in self.all:
            if queue.key == key:
                return queue
        raise NotFound("Queue not found.")


def queues_for(actor: Actor) -> Queues:
    """The actor's queues (one query: the lines they may see)."""
    assert actor.agent is not None
    lines = list(lines_visible_to(actor).select_related("partner").order_by("order", "pk"))
    partner_id = actor.agent.partner_id
    home = [line for line in lines if partner_id is not None and line.partner_id == partner_id]
    if not home:
        home = [line for line in lines if line.partner_id is None]
    in_home = Q(is_open=True, line_id__in=[line.pk for line in home])
    active = [line for line in home if line.is_active]
    first = next((line for line in active if line.is_default), active[0] if active else None)
    main = [
        Queue(
            NEW,
            _("New"),
            _("No reply from support yet."),
            "inbox",
            in_home & Q(first_response_at__isnull=True),
        )
    ]
    if first is not None:
        main.append(
            Queue(
                NEEDS_REPLY,
                _("%(line)s — needs reply") % {"line": first.name},
                _("The customer wrote after our last reply."),
                "chat-left-dots",
                Q(is_open=True, line_id=first.pk, first_response_at__isnull=False)
                & Q(last_customer_message_at__gt=F("last_agent_message_at")),
                first,
            )
        )
    main += [_line_queue(line) for line in active if line != first]
    main += [
        Queue(MINE, _("Mine"), _("Assigned to you."), "person-check", Q(is_open=True, assignee_id=actor.agent.pk)),
        Queue(
            UNASSIGNED,
            _("Unassigned"),
            _("Nobody is answering these yet."),
            "person-dash",
            in_home & Q(assignee__isnull=True),
        ),
    ]
    partner = []
    if partner_id is None and actor.is_supervisor:
        partner = [_line_queue(line) for line in lines if line.partner_id is not None and line.is_active]
    return Queues(main=main, partner=partner, lines=lines)


def _line_queue(line: Line) -> Queue:
    return Queue(
        f"{LINE_PREFIX}{line.code}",
        line.name,
        _("Every open ticket of this line."),
        "building" if line.partner_id else "diagram-3",
        Q(is_open=True, line_id=line.pk),
        line,
    )


def _scope_key(actor: Actor) -> str:
    """Agents whose tickets_visible_to and lines are the same share one cache entry."""
    assert actor.agent is not None
    if actor.agent.partner_id is not None:
        return f"partner-{actor.agent.partner_id}"
    return "platform-all" if actor.is_supervisor else "platform"


def _cache_keys(actor: Actor) -> tuple[str, str]:
    assert actor.agent is not None
    return f"otvet:desk:counts:{_scope_key(actor)}", f"otvet:desk:mine:{actor.agent.pk}"


def queue_counts(actor: Actor, queues: Queues) -> dict[str, int]:
    """How many tickets wait in each queue: from the cache, else two queries over open tickets only."""
    shared_key, mine_key = _cache_keys(actor)
    cached = cache.get_many([shared_key, mine_key])
    shared, mine = cached.get(shared_key), cached.get(mine_key)
    wanted = [queue for queue in queues.all if queue.key != MINE]
    open_tickets = tickets_visible_to(actor).filter(is_open=True)
    if shared is None or any(queue.key not in shared for queue in wanted):
        aliases = {f"q{index}": queue for index, queue in enumerate(wanted)}
        totals = open_tickets.aggregate(
            **{alias: Count("pk", filter=queue.condition) for alias, queue in aliases.items()}
        )
        shared = {queue.key: totals[alias] for alias, queue in aliases.items()}
        cache.set(shared_key, shared, COUNTS_TTL)
    if mine is None:
        mine = open_tickets.filter(queues.get(MINE).condition).count()
        cache.set(mine_key, mine, COUNTS_TTL)
    return {**shared, MINE: mine}


def queue_counts_forget(actor: Actor) -> None:
    """Drop the actor's cached counts after they changed a ticket, so their own sidebar is right at once."""
    cache.delete_many(list(_cache_keys(actor)))
