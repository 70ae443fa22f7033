"""What the automation pages show besides the service calls: rules in words, the builder's choices, error places."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from otvet.accounts.models import Agent
from otvet.automation.actions import ACTION_LABELS, AUDIENCES
from otvet.automation.choices import RuleKind
from otvet.automation.conditions import FIELDS, ID, LIST, NUMBER, OP_LABELS, OPERATORS, TEXT, UNARY
from otvet.automation.dry_run import DryRun
from otvet.automation.models import Rule
from otvet.automation.triggers import TRIGGERS
from otvet.customers.models import Company, Plan
from otvet.sla.choices import SlaState
from otvet.tickets.choices import AssignmentMode, AuthorKind, Channel, Priority, StatusCategory, TicketKind
from otvet.tickets.models import Criticality, Line, Status
from otvet.workspace.forms_automation import PARAM_LABELS, error_place
from otvet.workspace.pages import category_paths

Options = list[tuple[Any, Any]]

LIST_OPERATORS = ("in", "not_in", "contains_any", "has_word")
AUDIENCE_LABELS: dict[str, Any] = {
    "agent": gettext_lazy("a chosen agent"),
    "assignee": gettext_lazy("the assignee"),
    "line": gettext_lazy("the members of the assignee's line"),
    "supervisors": gettext_lazy("the supervisors"),
    "customer": gettext_lazy("the customer"),
}
ANCHOR_PHRASES: dict[str, Any] = {
    "created_at": gettext_lazy("creation"),
    "status_changed_at": gettext_lazy("the status change"),
    "claimed_at": gettext_lazy("claiming («I'll answer»)"),
    "last_customer_message_at": gettext_lazy("the customer's last message"),
    "last_agent_message_at": gettext_lazy("the agent's last message"),
    "last_interaction_at": gettext_lazy("the last message of anyone"),
    "updated_at": gettext_lazy("the last activity"),
    "resolved_at": gettext_lazy("solving"),
}
# The parameters of each action type, in the order the builder shows them.
ACTION_PARAMS: dict[str, tuple[str, ...]] = {
    "set_status": ("status",),
    "set_priority": ("priority", "raise_only", "reason"),
    "set_line": ("line", "note"),
    "assign": ("agent",),
    "unassign": (),
    "add_tag": ("tag",),
    "remove_tag": ("tag",),
    "add_note": ("body",),
    "notify": ("audience", "agent", "text", "email"),
    "reply": ("body", "body_en"),
    "canned_reply": ("canned",),
}
MODES = (AssignmentMode.ROUND_ROBIN, AssignmentMode.LEAST_OPEN)
SNIPPET = 80


@dataclass
class RuleRow:
    """A rule of the list with its definition in words."""

    rule: Rule
    when: str
    conditions: str
    actions: list[str]


Labels = dict[str, dict[str, str]]


def rule_rows(rules: Sequence[Rule]) -> list[RuleRow]:
    """The rules in words; a fixed number of queries however many rules there are."""
    labels = value_labels(rules)
    return [
        RuleRow(rule, rule_when(rule), conditions_text(rule.conditions, labels), actions_text(rule.actions, labels))
        for rule in rules
    ]


def value_labels(rules: Iterable[Rule]) -> Labels:
    """Names for the codes and ids that `rules` mention: small vocabularies whole, agents and companies by id."""
    agent_ids: set[int] = set()
    company_ids: set[int] = set()
    canned_ids: set[int] = set()
    for rule in rules:
        for field, value in _leaf_values(rule.conditions):
            target = agent_ids if field == "assignee" else company_ids if field == "company" else None
            if target is not None:
                target.update(item for item in value if isinstance(item, int))
        for action in rule.actions or []:
            if isinstance(action.get("agent"), int):
                agent_ids.add(action["agent"])
            if isinstance(action.get("canned"), int):
                canned_ids.add(action["canned"])
    labels: Labels = {
        "status": {s.code: s.name for s in Status.objects.all()},
        "line": {line.code: line.name for line in Line.objects.all()},
        "plan": {plan.code: plan.name for plan in Plan.objects.all()},
        "criticality": {c.code: c.name for c in Criticality.objects.all()},
        "category": {str(pk): path for pk, path in category_paths()},
        "agent": {str(a.pk): str(a) for a in Agent.objects.filter(pk__in=agent_ids).select_related("user")},
        "company": {str(pk): name for pk, name in Company.objects.filter(pk__in=company_ids).values_list("pk", "name")},
    }
    labels.update(_choice_labels())
    labels["assignee"] = labels["agent"]
    labels["canned"] = _canned_titles(canned_ids) if canned_ids else {}
    return labels


def _canned_titles(ids: set[int]) -> dict[str, str]:
    from otvet.canned.models import CannedResponse

    return {str(pk): title for pk, title in CannedResponse.objects.filter(pk__in=ids).values_list("pk", "title")}


def _shared_canned() -> Options:
    """The platform's active shared canned responses: the only ones a rule may send (docs/canned.md)."""
    from otvet.canned.models import CannedResponse

    shared = CannedResponse.objects.filter(owner__isnull=True, partner__isnull=True, is_active=True)
    return [(pk, f"{title} (/{shortcut})") for pk, title, shortcut in shared.values_list("pk", "title", "shortcut")]


def _choice_labels() -> Labels:
    return {
        "status_category": {str(k): str(v) for k, v in StatusCategory.choices},
        "priority": {str(k): str(v) for k, v in Priority.choices},
        "channel": {str(k): str(v) for k, v in Channel.choices},
        "kind": {str(k): str(v) for k, v in TicketKind.choices},
        "sla_state": {str(k): str(v) for k, v in SlaState.choices if k},
        "event_actor": {str(k): str(v) for k, v in AuthorKind.choices},
        "audience": {k: str(v) for k, v in AUDIENCE_LABELS.items()},
        "mode": {str(k): str(v) for k, v in AssignmentMode.choices},
    }


def _leaf_values(node: Any) -> Iterable[tuple[str, list[Any]]]:
    if not isinstance(node, dict) or not node:
        return
    if "all" in node or "any" in node:
        for item in node.get("all") or node.get("any") or []:
            yield from _leaf_values(item)
    elif "field" in node:
        value = node.get("value")
        yield node["field"], value if isinstance(value, list) else [value]


def rule_when(rule: Rule) -> str:
    """«On: a ticket is created» or «30 minutes of working time after creation»."""
    if rule.kind == RuleKind.TRIGGER:
        events = ", ".join(str(TRIGGERS.get(event, event)) for event in rule.events or [])
        return _("On: %(events)s") % {"events": events}
    values = {"duration": duration_text(rule.minutes or 0), "anchor": ANCHOR_PHRASES.get(rule.anchor, rule.anchor)}
    if rule.business_time:
        return _("%(duration)s of working time after %(anchor)s") % values
    return _("%(duration)s after %(anchor)s") % values


def duration_text(minutes: int) -> str:
    """«3 days», «2 hours», «1 hour 30 minutes»."""
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)s day", "%(n)s days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours})
    if mins or not parts:
        parts.append(ngettext("%(n)s minute", "%(n)s minutes", mins) % {"n": mins})
    return " ".join(parts)


def conditions_text(node: Mapping[str, Any], labels: Labels, *, nested: bool = False) -> str:
    """A condition in words: «Plan is one of Комфорт, Премиум and Subject has the word «срочно»»."""
    if not node:
        return _("Always")
    if "all" in node or "any" in node:
        join = _(" and ") if "all" in node else _(" or ")
        items = node.get("all") or node.get("any") or []
        text = join.join(conditions_text(item, labels, nested=True) for item in items)
        return f"({text})" if nested and len(items) > 1 else text
    field = str(node.get("field", ""))
    label = FIELDS[field][1] if field in FIELDS else field
    op = str(node.get("op", ""))
    if op in UNARY:
        return f"{label}: {OP_LABELS.get(op, op)}" if op in ("is_true", "is_false") else f"{label} {_op(op)}"
    return f"{label} {_op(op)} {_values(field, node.get('value'), labels)}"


def _op(op: str) -> str:
    return str(OP_LABELS.get(op, op))


def _values(field: str, value: Any, labels: Labels) -> str:
    kind = FIELDS[field][0] if field in FIELDS else TEXT
    names = labels.get(field, {})
    items = value if isinstance(value, list) else [value]
    shown = [f"«{item}»" if kind in (TEXT, LIST) else names.get(str(item), str(item)) for item in items]
    return ", ".join(shown)


def actions_text(actions: Sequence[Mapping[str, Any]], labels: Labels) -> list[str]:
    """Each action in words: «Set the status: Ожидает ответа»."""
    return [_action_text(action, labels) for action in actions or []]


def _action_text(action: Mapping[str, Any], labels: Labels) -> str:
    kind = str(action.get("type", ""))
    label = str(ACTION_LABELS.get(kind, kind))
    detail = ""
    if kind == "set_status":
        detail = labels["status"].get(action.get("status", ""), str(action.get("status")))
    elif kind == "set_priority":
        detail = labels["priority"].get(str(action.get("priority")), str(action.get("priority")))
        if action.get("raise_only"):
            detail += " " + _("(only raise)")
    elif kind == "set_line":
        detail = labels["line"].get(action.get("line", ""), str(action.get("line")))
    elif kind == "assign":
        detail = _agent(action.get("agent"), labels)
    elif kind in ("add_tag", "remove_tag"):
        detail = f"«{action.get('tag', '')}»"
    elif kind in ("add_note", "reply"):
        detail = _snippet(action.get("body"))
    elif kind == "canned_reply":
        detail = labels.get("canned", {}).get(str(action.get("canned")), f"#{action.get('canned')}")
    elif kind == "notify":
        audience = str(action.get("audience", ""))
        detail = labels["audience"].get(audience, audience)
        if audience == "agent":
            detail += f" ({_agent(action.get('agent'), labels)})"
        detail += f" {_snippet(action.get('text'))}"
        if action.get("email", True):
            detail += " " + _("(also by email)")
    return f"{label}: {detail}" if detail else label


def _agent(value: Any, labels: Labels) -> str:
    return labels["mode"].get(str(value)) or labels["agent"].get(str(value)) or f"#{value}"


def _snippet(text: Any) -> str:
    text = " ".join(str(text or "").split())
    return f"«{text[:SNIPPET]}…»" if len(text) > SNIPPET else f"«{text}»"


def builder_config() -> dict[str, Any]:
    """What the condition and action builder offers: fields with their operators and values, actions with their
    parameters; seven small queries."""
    agents: Options = [(a.pk, str(a)) for a in Agent.objects.filter(is_active=True).select_related("user")]
    statuses: Options = [(s.code, s.name) for s in Status.objects.filter(is_active=True)]
    options: dict[str, Options] = {
        "status": statuses,
        "status_category": list(StatusCategory.choices),
        "line": [(line.code, line.name) for line in Line.objects.filter(is_active=True)],
        "plan": [(plan.code, plan.name) for plan in Plan.objects.all()],
        "priority": list(Priority.choices),
        "criticality": [(c.code, c.name) for c in Criticality.objects.all()],
        "category": category_paths(),
        "channel": list(Channel.choices),
        "assignee": agents,
        "kind": list(TicketKind.choices),
        "sla_state": [(k, v) for k, v in SlaState.choices if k],
        "event_actor": list(AuthorKind.choices),
    }
    params: dict[str, dict[str, Any]] = {
        "status": {"kind": "select", "options": statuses},
        "priority": {"kind": "select", "options": list(Priority.choices), "number": True},
        "raise_only": {"kind": "checkbox"},
        "reason": {"kind": "text"},
        "line": {"kind": "select", "options": options["line"]},
        "note": {"kind": "text"},
        "agent": {"kind": "select", "options": [(m.value, str(m.label)) for m in MODES] + agents, "number": True},
        "tag": {"kind": "text"},
        "body": {"kind": "textarea"},
        "body_en": {"kind": "textarea"},
        "audience": {"kind": "select", "options": list(AUDIENCE_LABELS.items())},
        "text": {"kind": "textarea"},
        "email": {"kind": "checkbox", "default": True},
        "canned": {"kind": "select", "options": _shared_canned(), "number": True, "label": _("canned response")},
    }
    for name, spec in params.items():
        spec.setdefault("label", PARAM_LABELS.get(name, name))
    return _plain(
        {
            "fields": [
                {"name": name, "label": label, "type": kind, "options": options.get(name)}
                for name, (kind, label) in FIELDS.items()
            ],
            "operators": {kind: [(op, OP_LABELS[op]) for op in ops] for kind, ops in OPERATORS.items()},
            "unary": sorted(UNARY),
            "listOps": list(LIST_OPERATORS),
            "numeric": [NUMBER, ID],
            "actions": [
                {"type": kind, "label": label, "params": ACTION_PARAMS[kind]} for kind, label in ACTION_LABELS.items()
            ],
            "params": params,
            "audiences": list(AUDIENCES),
        }
    )


def _plain(value: Any) -> Any:
    """Lazy translations and tuples turned into JSON-ready strings and lists."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def import_errors(fields: Mapping[str, str], data: Any) -> list[str]:
    """Import errors naming the rule (number and name from the file) and the place within it."""
    lines = []
    for key, message in fields.items():
        parts = key.split(".", 2)
        if parts[0] != "rules" or len(parts) < 2 or not parts[1].isdigit():
            lines.append(message)
            continue
        index = int(parts[1])
        item = data[index] if isinstance(data, list) and index < len(data) else None
        name = str(item.get("name") or "") if isinstance(item, dict) else ""
        rule = (
            _("Rule %(n)s «%(name)s»") % {"n": index + 1, "name": name} if name else _("Rule %(n)s") % {"n": index + 1}
        )
        where = f"{rule}, {error_place(parts[2])}" if len(parts) > 2 else rule
        lines.append(f"{where}: {message}")
    return lines


def dry_run_summary(result: DryRun) -> str:
    """«Would have fired 37 times on 21 tickets in 30 days»."""
    tickets = result.fired_tickets
    return " ".join(
        (
            ngettext("Would have fired %(n)s time", "Would have fired %(n)s times", result.fired) % {"n": result.fired},
            ngettext("on %(n)s ticket", "on %(n)s tickets", tickets) % {"n": tickets},
            ngettext("in %(n)s day", "in %(n)s days", result.days) % {"n": result.days},
        )
    )


def moved(ids: list[int], rule_id: int, step: int) -> list[int]:
    """The order of rules with one moved a place up (step -1) or down (+1)."""
    if rule_id not in ids:
        return ids
    index = ids.index(rule_id)
    target = max(0, min(len(ids) - 1, index + step))
    ids = list(ids)
    ids[index], ids[target] = ids[target], ids[index]
    return ids
