"""The ticket's event timeline in words: «Иван назначил на себя», «Статус: Открыто → В процессе»."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from otvet.tickets.choices import AuthorKind, EventKind, Priority, ResponsePreference
from otvet.tickets.models import TicketEvent


@dataclass
class Names:
    """Display names for the ids and codes that events store (statuses, lines, agents, ...)."""

    statuses: Mapping[str, str] = field(default_factory=dict)  # by code
    lines: Mapping[str, str] = field(default_factory=dict)  # by code
    criticalities: Mapping[str, str] = field(default_factory=dict)  # by code
    categories: Mapping[int, str] = field(default_factory=dict)  # by id, as paths
    agents: Mapping[int, str] = field(default_factory=dict)  # by agent id


@dataclass
class Entry:
    """One line of the timeline."""

    at: dt.datetime
    actor: str
    text: str
    icon: str
    details: list[str]
    note: str = ""


ICONS: dict[str, str] = {
    EventKind.CREATED: "plus-circle",
    EventKind.REPLIED: "reply",
    EventKind.NOTE_ADDED: "lock",
    EventKind.STATUS_CHANGED: "arrow-repeat",
    EventKind.FIELDS_CHANGED: "pencil",
    EventKind.ASSIGNED: "person-check",
    EventKind.CLAIMED: "hand-index",
    EventKind.RELEASED: "person-dash",
    EventKind.TRANSFERRED: "arrow-left-right",
    EventKind.RESOLVED: "check2-circle",
    EventKind.REOPENED: "arrow-counterclockwise",
    EventKind.RATED: "star",
    EventKind.SPAM_MARKED: "slash-circle",
    EventKind.SPAM_CLEARED: "envelope-check",
    EventKind.TAGGED: "tags",
    EventKind.NOTIFIED: "bell",
    EventKind.SLA_WARNING: "hourglass-split",
    EventKind.SLA_BREACHED: "alarm",
    EventKind.AUTOMATION_FAILED: "exclamation-triangle",
}


def field_labels() -> dict[str, str]:
    return {
        "status": _("Status"),
        "priority": _("Priority"),
        "criticality": _("Criticality"),
        "category": _("Category"),
        "line": _("Line"),
        "assignee": _("Assignee"),
        "subject": _("Subject"),
        "response_preference": _("Answer by"),
        "tags": _("Tags"),
    }


def timeline(events: Iterable[TicketEvent], names: Names) -> list[Entry]:
    """Each event as a sentence, with one detail line per changed field."""
    return [_entry(event, names) for event in events]


def _entry(event: TicketEvent, names: Names) -> Entry:
    changes = dict(event.changes or {})
    actor = _actor(event)
    text, shown = _headline(event.kind, actor, changes, names)
    labels = field_labels()
    details = []
    for name, pair in changes.items():
        if name in shown or name not in labels or not isinstance(pair, list) or len(pair) != 2:
            continue
        old, new = (_value(name, value, names) for value in pair)
        details.append(f"{labels[name]}: {old} → {new}" if pair[0] is not None else f"{labels[name]}: {new}")
    shows_note = (
        event.kind
        in (
            EventKind.ASSIGNED,
            EventKind.TRANSFERRED,
            EventKind.NOTIFIED,
            EventKind.SLA_WARNING,
            EventKind.SLA_BREACHED,
            EventKind.AUTOMATION_FAILED,
        )
        or "requester" in changes
    )  # a merge of contacts: the note names both
    note = event.note if shows_note and not (event.rule is not None and event.note == event.rule.name) else ""
    return Entry(
        at=event.created_at, actor=actor, text=text, icon=ICONS.get(event.kind, "dot"), details=details, note=note
    )


def _headline(kind: str, actor: str, changes: dict[str, Any], names: Names) -> tuple[str, set[str]]:
    """The sentence for an event and the changed fields it already tells."""
    old_agent, new_agent = changes.get("assignee") or [None, None]
    words = {
        "actor": actor,
        "old_agent": _value("assignee", old_agent, names),
        "new_agent": _value("assignee", new_agent, names),
        "line": _value("line", (changes.get("line") or [None, None])[-1], names),
    }
    if kind == EventKind.CLAIMED and old_agent is not None:
        return _("%(actor)s took the ticket over from %(old_agent)s") % words, {"assignee"}
    if kind == EventKind.ASSIGNED and new_agent is None:
        return _("%(actor)s removed the assignee") % words, {"assignee"}
    sentences: dict[str, str] = {
        EventKind.CREATED: _("%(actor)s opened the ticket"),
        EventKind.REPLIED: _("%(actor)s replied"),
        EventKind.NOTE_ADDED: _("%(actor)s added an internal note"),
        EventKind.STATUS_CHANGED: _("%(actor)s changed the status"),
        EventKind.FIELDS_CHANGED: _("%(actor)s edited the ticket"),
        EventKind.ASSIGNED: _("%(actor)s assigned the ticket to %(new_agent)s"),
        EventKind.CLAIMED: _("%(actor)s assigned the ticket to themselves"),
        EventKind.RELEASED: _("%(actor)s released the ticket"),
        EventKind.TRANSFERRED: _("%(actor)s transferred the ticket to %(line)s"),
        EventKind.RESOLVED: _("%(actor)s solved the ticket"),
        EventKind.REOPENED: _("%(actor)s reopened the ticket"),
        EventKind.RATED: _("%(actor)s rated the answer"),
        EventKind.SPAM_MARKED: _("%(actor)s marked the ticket as spam"),
        EventKind.SPAM_CLEARED: _("%(actor)s marked the ticket as not spam"),
        EventKind.TAGGED: _("%(actor)s changed the tags"),
        EventKind.NOTIFIED: _("%(actor)s sent a notification"),
        EventKind.SLA_WARNING: _("An SLA deadline is near"),
        EventKind.SLA_BREACHED: _("An SLA deadline was missed"),
        EventKind.AUTOMATION_FAILED: _("%(actor)s failed"),
    }
    told: dict[str, set[str]] = {
        EventKind.ASSIGNED: {"assignee"},
        EventKind.CLAIMED: {"assignee"},
        EventKind.RELEASED: {"assignee"},
        EventKind.TRANSFERRED: {"line", "assignee"},
    }
    return sentences.get(kind, _("%(actor)s changed the ticket")) % words, told.get(kind, set())


def _actor(event: TicketEvent) -> str:
    if event.rule_id is not None:
        name = event.rule.name if event.rule is not None else event.note
        return _("Rule «%(name)s»") % {"name": name}
    if event.actor is not None:
        return event.actor.name or event.actor.email
    if event.actor_kind == AuthorKind.CUSTOMER:
        return _("The customer")
    return _("Otvet")


def _value(name: str, value: Any, names: Names) -> str:
    """A stored value (id, code, number) as people read it."""
    if value is None or value == "":
        return "—"
    lookups: dict[str, Mapping[Any, str]] = {
        "status": names.statuses,
        "line": names.lines,
        "criticality": names.criticalities,
        "category": names.categories,
        "assignee": names.agents,
    }
    if name in lookups:
        return lookups[name].get(value, str(value))
    if name == "tags" and isinstance(value, list):
        return ", ".join(str(tag) for tag in value) or "—"
    if name == "priority" and value in Priority.values:
        return str(Priority(value).label)
    if name == "response_preference" and value in ResponsePreference.values:
        return str(ResponsePreference(value).label)
    return str(value)


def agent_ids(events: Iterable[TicketEvent]) -> set[int]:
    """The agents that events mention as assignees, to load their names in one query."""
    ids = set()
    for event in events:
        for value in (event.changes or {}).get("assignee") or ():
            if isinstance(value, int):
                ids.add(value)
    return ids
