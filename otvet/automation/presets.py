"""The shipped rules: the routine of the seeds, ready to load and switch off one by one (`otvet automation
presets`; `otvet demo` loads them switched on). Names and texts are in the language active when loading."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from otvet.automation.models import Rule
from otvet.automation.services import rule_create, rule_update
from otvet.tickets.access import Actor
from otvet.tickets.choices import Priority

WORKING = ["new", "open"]
DAY = 24 * 60


def presets() -> list[dict[str, Any]]:
    """Each preset as rule data (rule_clean's input), with its key in `preset`."""
    return [
        _trigger("priority-plan", 10, _("Priority: plans Comfort and Premium"), ["created"],
                 _leaf("plan", "in", ["comfort", "premium"]),
                 [{"type": "set_priority", "priority": Priority.HIGH, "raise_only": True,
                   "reason": _("plan Comfort or Premium")}]),
        _trigger("priority-urgent", 20, _("Priority: «срочно» in the subject"), ["created"],
                 _leaf("subject", "has_word", ["срочно", "urgent"]),
                 [{"type": "set_priority", "priority": Priority.URGENT, "raise_only": True,
                   "reason": _("«срочно» in the subject")}]),
        _trigger("priority-paid", 30, _("Priority: «платно» in the subject"), ["created"],
                 _leaf("subject", "has_word", ["платно", "paid"]),
                 [{"type": "set_priority", "priority": Priority.HIGH, "raise_only": True,
                   "reason": _("«платно» in the subject")}]),
        _trigger("after-hours", 40, _("Out of hours: automatic answer and a responsible agent"), ["created"],
                 {"all": [{"field": "within_business_hours", "op": "is_false"},
                          {"field": "kind", "op": "eq", "value": "request"}]},
                 [{"type": "reply", "body": AFTER_HOURS_RU, "body_en": AFTER_HOURS_EN},
                  {"type": "assign", "agent": "round_robin"}]),
        _trigger("agent-replied", 50, _("An agent replied: «Awaiting reply»"), ["agent_replied"],
                 _leaf("status_category", "in", WORKING),
                 [{"type": "set_status", "status": "waiting_reply"}]),
        _trigger("customer-replied", 60, _("The customer replied: «In progress»"), ["customer_replied"],
                 _leaf("status_category", "eq", "waiting_customer"),
                 [{"type": "set_status", "status": "in_progress"}]),
        _timer("not-accepted-30", 100, _("Not accepted in 30 minutes: notify the supervisors"), "created_at", 30, True,
               {"all": [{"field": "assignee", "op": "is_empty"}, _leaf("status_category", "in", WORKING)]},
               [{"type": "notify", "audience": "supervisors",
                 "text": _("Nobody has accepted ticket #{number} «{subject}» for 30 minutes.")}]),
        _timer("claimed-not-answered-15", 110, _("Accepted but not answered in 15 minutes: back to the queue"),
               "claimed_at", 15, True,
               {"all": [{"field": "assignee", "op": "is_set"}, {"field": "answered_since_claimed", "op": "is_false"},
                        _leaf("status_category", "in", WORKING)]},
               [{"type": "unassign"}]),
        _timer("in-progress-2h", 120, _("«In progress» for 2 hours: notify the assignee"), "status_changed_at", 120,
               True, {"all": [_leaf("status", "eq", "in_progress"), {"field": "assignee", "op": "is_set"}]},
               [{"type": "notify", "audience": "assignee",
                 "text": _("Ticket #{number} «{subject}» has been in progress for 2 hours.")}]),
        _timer("in-progress-3h", 130, _("«In progress» for 3 hours: notify the supervisors"), "status_changed_at", 180,
               True, _leaf("status", "eq", "in_progress"),
               [{"type": "notify", "audience": "supervisors",
                 "text": _("Ticket #{number} «{subject}» has been in progress for 3 hours.")}]),
        _timer("solved-close-3d", 140, _("Solved for 3 days: closed"), "resolved_at", 3 * DAY, False,
               _leaf("status_category", "eq", "solved"), [{"type": "set_status", "status": "closed"}]),
        _timer("testing-idle-7d", 150, _("«In testing» with no activity for 7 days: «Awaiting reply»"), "updated_at",
               7 * DAY, False, _leaf("status", "eq", "testing"), [{"type": "set_status", "status": "waiting_reply"}]),
        _timer("waiting-idle-7d", 160, _("«Awaiting reply» with no activity for 7 days: «Solved»"), "updated_at",
               7 * DAY, False, _leaf("status", "eq", "waiting_reply"), [{"type": "set_status", "status": "done"}]),
    ]  # fmt: skip


AFTER_HOURS_RU = (
    "Здравствуйте, {name}!\n\nМы получили ваше обращение № {number}. Сейчас нерабочее время: служба поддержки "
    "работает {working_hours}. Заявка зарегистрирована, за ней закреплён ответственный сотрудник, и мы ответим "
    "вам в рабочее время."
)
AFTER_HOURS_EN = (
    "Hello {name},\n\nWe have received your request no. {number}. Our support team is out of hours now: we work "
    "{working_hours}. The request is registered and has a responsible agent; we will answer within working hours."
)


def presets_load(*, activate: bool, arm: bool = True) -> list[Rule]:
    """Create the presets or bring existing ones up to date; `activate` switches them on (else new ones stay
    off and existing ones keep their switch). `arm` off leaves today's tickets without their timers (the demo:
    its history is past, its side effects not due)."""
    actor = Actor.system("presets")
    rules = []
    for data in presets():
        existing = Rule.objects.filter(preset=data["preset"]).first()
        if existing is None:
            rules.append(rule_create(actor=actor, data={**data, "is_active": activate}, arm=arm))
        else:
            on = activate or existing.is_active
            rules.append(rule_update(rule=existing, actor=actor, data={**data, "is_active": on}, arm=arm))
    return rules


def _leaf(field: str, op: str, value: Any) -> dict[str, Any]:
    return {"all": [{"field": field, "op": op, "value": value}]}


def _trigger(key: str, order: int, name: str, events: list[str], conditions: dict[str, Any],
             actions: list[dict[str, Any]]) -> dict[str, Any]:  # fmt: skip
    return {"preset": key, "order": order, "name": name, "kind": "trigger", "events": events,
            "conditions": conditions, "actions": actions}  # fmt: skip


def _timer(key: str, order: int, name: str, anchor: str, minutes: int, business: bool, conditions: dict[str, Any],
           actions: list[dict[str, Any]]) -> dict[str, Any]:  # fmt: skip
    return {"preset": key, "order": order, "name": name, "kind": "timer", "anchor": anchor, "minutes": minutes,
            "business_time": business, "conditions": conditions, "actions": actions}  # fmt: skip
