"""Rule actions, each mapped to one service (STYLE.md rule 8): the engine never writes tickets itself.

    [{"type": "set_status", "status": "waiting_reply"},
     {"type": "set_priority", "priority": 30, "raise_only": true, "reason": "тариф Премиум"},
     {"type": "notify", "audience": "supervisors", "text": "Заявка #{number} ждёт 30 минут"}]

`actions_clean` validates a list (errors name the place: actions.1.status); `action_run` performs one action on a
ticket as the rule's actor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from otvet.accounts.models import Agent
from otvet.core.errors import InvalidInput
from otvet.tickets.access import Actor
from otvet.tickets.choices import AssignmentMode, Priority
from otvet.tickets.models import Line, Status, Ticket
from otvet.tickets.services import (
    ticket_add_note,
    ticket_assign,
    ticket_change_status,
    ticket_release,
    ticket_reply,
    ticket_tag,
    ticket_transfer,
    ticket_update_fields,
)

MAX_ACTIONS = 20
MAX_TEXT = 10_000

ACTION_LABELS: dict[str, Any] = {
    "set_status": gettext_lazy("Set the status"),
    "set_priority": gettext_lazy("Set the priority"),
    "set_line": gettext_lazy("Move to a line"),
    "assign": gettext_lazy("Assign"),
    "unassign": gettext_lazy("Remove the assignee"),
    "add_tag": gettext_lazy("Add a tag"),
    "remove_tag": gettext_lazy("Remove a tag"),
    "add_note": gettext_lazy("Add an internal note"),
    "notify": gettext_lazy("Notify"),
    "reply": gettext_lazy("Send a reply to the customer"),
    "canned_reply": gettext_lazy("Send a canned response"),
}
AUDIENCES = ("agent", "assignee", "line", "supervisors", "customer")


def actions_clean(raw: Any) -> list[dict[str, Any]]:
    """A validated copy of a list of actions; InvalidInput naming the action and field when it is not valid."""
    if not isinstance(raw, list) or not raw:
        raise InvalidInput.field("actions", _("A rule needs at least one action."))
    if len(raw) > MAX_ACTIONS:
        raise InvalidInput.field("actions", _("Too many actions."))
    return [_clean_one(item, f"actions.{index}") for index, item in enumerate(raw)]


def _clean_one(raw: Any, path: str) -> dict[str, Any]:
    if not isinstance(raw, dict) or raw.get("type") not in ACTION_LABELS:
        raise InvalidInput.field(f"{path}.type", _("Unknown action."))
    kind = raw["type"]
    cleaned: dict[str, Any] = {"type": kind}
    if kind == "set_status":
        cleaned["status"] = _code(raw, "status", path, Status.objects.filter(is_active=True))
    elif kind == "set_priority":
        if raw.get("priority") not in Priority.values:
            raise InvalidInput.field(f"{path}.priority", _("Unknown priority."))
        cleaned.update(priority=raw["priority"], raise_only=bool(raw.get("raise_only")))
        cleaned["reason"] = _text(raw, "reason", path, required=False, limit=200)
    elif kind == "set_line":
        cleaned["line"] = _code(raw, "line", path, Line.objects.filter(is_active=True))
        cleaned["note"] = _text(raw, "note", path, required=False)
    elif kind == "assign":
        agent = raw.get("agent")
        if agent not in AssignmentMode.values or agent == AssignmentMode.OFF:
            if not (isinstance(agent, int) and Agent.objects.filter(pk=agent, is_active=True).exists()):
                raise InvalidInput.field(f"{path}.agent", _("Choose an active agent or a way to pick one."))
        cleaned["agent"] = agent
    elif kind in ("add_tag", "remove_tag"):
        cleaned["tag"] = _text(raw, "tag", path, limit=60)
    elif kind == "add_note":
        cleaned["body"] = _text(raw, "body", path)
    elif kind == "notify":
        if raw.get("audience") not in AUDIENCES:
            raise InvalidInput.field(f"{path}.audience", _("Choose whom to notify."))
        cleaned.update(audience=raw["audience"], text=_text(raw, "text", path), email=_flag(raw.get("email", True)))
        if raw["audience"] == "agent":
            agent_id = raw.get("agent")
            if not isinstance(agent_id, int) or not Agent.objects.filter(pk=agent_id, is_active=True).exists():
                raise InvalidInput.field(f"{path}.agent", _("Choose an active agent."))
            cleaned["agent"] = raw["agent"]
    elif kind == "reply":
        cleaned["body"] = _text(raw, "body", path)
        cleaned["body_en"] = _text(raw, "body_en", path, required=False)
    elif kind == "canned_reply":
        cleaned["canned"] = _canned(raw, path)
    return cleaned


def _canned(raw: dict[str, Any], path: str) -> int:
    """A shared, active canned response of the platform: personal ones belong to one agent, not to rules."""
    from otvet.canned.models import CannedResponse

    value = raw.get("canned")
    value = int(value) if isinstance(value, str) and value.isdigit() else value
    shared = CannedResponse.objects.filter(owner__isnull=True, partner__isnull=True, is_active=True)
    if not isinstance(value, int) or isinstance(value, bool) or not shared.filter(pk=value).exists():
        raise InvalidInput.field(f"{path}.canned", _("Choose an active shared canned response."))
    return value


def _flag(value: Any) -> bool:
    """A yes/no from JSON or a form: true, "on", "1", "true", "yes" are yes."""
    return value is True or str(value).strip().lower() in ("on", "1", "true", "yes")


def _code(raw: dict[str, Any], name: str, path: str, choices: Any) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not choices.filter(code=value).exists():
        raise InvalidInput.field(f"{path}.{name}", _("Unknown value «%(value)s».") % {"value": value})
    return value


def _text(raw: dict[str, Any], name: str, path: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = " ".join(str(raw.get(name) or "").split(" ")).strip()
    if required and not value:
        raise InvalidInput.field(f"{path}.{name}", _("This text is required."))
    if len(value) > limit:
        raise InvalidInput.field(f"{path}.{name}", _("The text is longer than %(n)s characters.") % {"n": limit})
    return value


def action_run(action: dict[str, Any], ticket: Ticket, actor: Actor, at: dt.datetime) -> None:
    """Perform one clean action on `ticket` through its service, as the rule's actor."""
    RUNNERS[action["type"]](action, ticket, actor, at)


def _set_status(action: dict[str, Any], ticket: Ticket, actor: Actor, at: dt.datetime) -> None:
    ticket_change_status(ticket=ticket, actor=actor, status=Status.objects.get(code=action["status"]))


def _set_priority(action: dict[str, Any], ticket: Ticket, actor: Actor, at: dt.datetime) -> None:
    if action.get("raise_only") and ticket.priority >= action["priority"]:
        return
    ticket_update_fields(ticket=ticket, actor=actor, reason=action.get("reason", ""), priority=action["priority"])


def _set_line(action: dict[str, Any], ticket: Ticket, actor: Actor, at: dt.datetime) -> None:
    if ticket.line.code == action["line"]:
        return
    ticket_transfer(ticket=ticket, actor=actor, line=Line.objects.get(code=action["line"]), note=action.get("note", ""))


def _assign(action: dict[str, Any], ticket: Ticket, actor: Actor, at: dt.datetime) -> None:
    from otvet.automation.assignment import ticket_auto_assign  # assignment imports the engine's neighbours

    agent = action["agent"]
    if isinstance(agent, int):
        ticket_assign(ticket=ticket, actor=actor, assignee=Agent.objects.select_related("user").get(pk=agent))
    else:
        ticket_auto_assign(ticket=ticket, at=at, mode=AssignmentMode(agent), actor=actor)


def _unassign(action: dict[str, Any], ticket: Ticket, actor: Actor, at: dt.datetime) -> None:
    ticket_release(ticket=ticket, actor=actor)


def _add_tag(action: dict[str, Any], ticket: Ticket, actor: Actor, at: dt.datetime) -> None:
    ticket_tag(ticket=ticket, actor=actor, add=[action["tag"]])


def _remove_tag(action: dict[str, Any], ticket: Ticket, actor: Actor, at: dt.datetime) -> None:
    ticket_tag(ticket=ticket, actor=actor, remove=[action["tag"]])


def _add_note(action: dict[str, Any], ticket: Ticket, actor: Actor, at: dt.datetime) -> None:
    from otvet.automation.texts import text_fill

    ticket_add_note(ticket=ticket, actor=actor, body=text_fill(action["body"], ticket, at))


def _notify(action: dict[str, Any], ticket: Ticket, actor: Actor, at: dt.datetime) -> None:
    from otvet.notifications.services import Audience, ticket_notify

    ticket_notify(
        ticket=ticket,
        actor=actor,
        audience=Audience(action["audience"]),
        text=action["text"],
        agent_id=action.get("agent"),
        email=action.get("email", True),
    )


def _reply(action: dict[str, Any], ticket: Ticket, actor: Actor, at: dt.datetime) -> None:
    from otvet.automation.texts import reply_text

    ticket_reply(ticket=ticket, actor=actor, body=reply_text(action, ticket, at))


def _canned_reply(action: dict[str, Any], ticket: Ticket, actor: Actor, at: dt.datetime) -> None:
    from otvet.canned.models import CannedResponse
    from otvet.canned.services import canned_use

    canned = CannedResponse.objects.filter(pk=action["canned"], owner__isnull=True, is_active=True).first()
    if canned is None:  # deleted or switched off since the rule was saved: the firing fails and says why
        raise InvalidInput.field("canned", _("The canned response was deleted or switched off."))
    ticket_reply(ticket=ticket, actor=actor, body=canned_use(canned=canned, ticket=ticket, actor=actor, at=at))


RUNNERS: dict[str, Callable[[dict[str, Any], Ticket, Actor, dt.datetime], None]] = {
    "set_status": _set_status,
    "set_priority": _set_priority,
    "set_line": _set_line,
    "assign": _assign,
    "unassign": _unassign,
    "add_tag": _add_tag,
    "remove_tag": _remove_tag,
    "add_note": _add_note,
    "notify": _notify,
    "reply": _reply,
    "canned_reply": _canned_reply,
}
