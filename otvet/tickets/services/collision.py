"""Collision check [столкновение]: what changed on a ticket since an agent opened the composer.

Before a reply leaves, the workspace asks whether the customer wrote again, another agent replied, or the status
changed since the moment the composer was rendered; if so the send is held and the agent decides (docs/live.md).
The live push (otvet/live/handlers.py) classifies events with the same `change_of`, so the warning shown in an
open composer and the hold agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from otvet.tickets.access import Actor
from otvet.tickets.choices import AuthorKind, EventKind
from otvet.tickets.models import Status, Ticket, TicketEvent

CUSTOMER_WROTE, AGENT_REPLIED, STATUS_CHANGED = "customer_wrote", "agent_replied", "status_changed"
CHANGES_LIMIT = 20
EXCERPT_CHARS = 240
_REPLY_KINDS = (EventKind.REPLIED, EventKind.RESOLVED)


@dataclass(frozen=True)
class Change:
    """One thing that happened on the ticket behind the agent's back."""

    kind: str  # CUSTOMER_WROTE, AGENT_REPLIED or STATUS_CHANGED
    at: dt.datetime
    who: str
    detail: str  # an excerpt of the message, or "old → new" for a status


def change_kinds(event: TicketEvent) -> list[str]:
    """What about `event` would make a reply written before it stale (none, one, or a reply with a status)."""
    kinds = []
    if event.actor_kind == AuthorKind.CUSTOMER and event.message_id is not None:  # a reply may also reopen
        kinds.append(CUSTOMER_WROTE)
    elif event.kind in _REPLY_KINDS and event.actor_kind == AuthorKind.AGENT:
        kinds.append(AGENT_REPLIED)
    if "status" in (event.changes or {}):
        kinds.append(STATUS_CHANGED)
    return kinds


def ticket_changes_since(*, ticket: Ticket, since: dt.datetime | None, exclude_actor: Actor) -> list[Change]:
    """The customer's messages, other agents' replies and status changes after `since`, oldest first.

    The actor's own events never count; `since` None (a form without the moment) means no check. Two queries.
    """
    if since is None:
        return []
    events = TicketEvent.objects.filter(ticket=ticket, created_at__gt=since).select_related(
        "actor", "message__author_contact"
    )
    if exclude_actor.user is not None:
        events = events.exclude(actor_kind=AuthorKind.AGENT, actor_id=exclude_actor.user.pk)
    relevant = [(event, kinds) for event in events.order_by("created_at", "id") if (kinds := change_kinds(event))]
    if not relevant:
        return []
    names = {status.code: status.name for status in Status.objects.all()}
    changes = []
    for event, kinds in relevant[:CHANGES_LIMIT]:
        for kind in kinds:
            changes.append(Change(kind=kind, at=event.created_at, who=_who(event), detail=_detail(event, kind, names)))
    return changes


def since_parse(value: str | None) -> dt.datetime | None:
    """The composer's hidden moment (ISO 8601, aware); None when missing or malformed."""
    try:
        moment = dt.datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _who(event: TicketEvent) -> str:
    if event.actor_kind == AuthorKind.CUSTOMER:
        contact = event.message.author_contact if event.message is not None else None
        return contact.name if contact is not None else _("The customer")
    if event.actor is not None:
        return event.actor.name or event.actor.email
    return event.note or _("The system")


def _detail(event: TicketEvent, kind: str, names: dict[str, str]) -> str:
    if kind == STATUS_CHANGED:
        old, new = (event.changes or {})["status"]
        return f"{names.get(old, old or '–')} → {names.get(new, new)}"
    if event.message is None:
        return ""
    text = " ".join(event.message.body_text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"
