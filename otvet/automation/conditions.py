"""Rule conditions: JSON over a whitelist of ticket facts and operators (STYLE.md rule 8).

    {"all": [{"field": "plan", "op": "in", "value": ["comfort", "premium"]},
             {"any": [{"field": "subject", "op": "contains_any", "value": ["срочно", "платно"]}, ...]}]}

A group is {"all": [...]} or {"any": [...]}; a leaf names a field, an operator allowed for that field's type and a
value. An empty condition ({}) always holds. `conditions_clean` validates a condition and answers with errors
naming the place; `conditions_hold` evaluates a clean one against the facts of a ticket at a moment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from otvet.core.errors import InvalidInput

# Field types and the operators each allows.
TEXT, CODE, NUMBER, FLAG, ID, LIST = "text", "code", "number", "flag", "id", "list"
OPERATORS: dict[str, tuple[str, ...]] = {
    TEXT: ("contains", "not_contains", "contains_any", "has_word", "is_empty", "is_set"),
    CODE: ("eq", "ne", "in", "not_in", "is_empty", "is_set"),
    ID: ("eq", "ne", "in", "not_in", "is_empty", "is_set"),
    NUMBER: ("eq", "ne", "gt", "gte", "lt", "lte", "in", "not_in"),
    FLAG: ("is_true", "is_false"),
    LIST: ("contains", "not_contains", "contains_any", "is_empty", "is_set"),
}
OP_LABELS: dict[str, Any] = {
    "eq": gettext_lazy("is"),
    "ne": gettext_lazy("is not"),
    "in": gettext_lazy("is one of"),
    "not_in": gettext_lazy("is none of"),
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "contains": gettext_lazy("contains"),
    "not_contains": gettext_lazy("does not contain"),
    "contains_any": gettext_lazy("contains any of"),
    "has_word": gettext_lazy("has the word"),
    "is_empty": gettext_lazy("is empty"),
    "is_set": gettext_lazy("is set"),
    "is_true": gettext_lazy("yes"),
    "is_false": gettext_lazy("no"),
}
# Operators that take no value.
UNARY = frozenset({"is_empty", "is_set", "is_true", "is_false"})

FIELDS: dict[str, tuple[str, Any]] = {
    "status": (CODE, gettext_lazy("Status")),
    "status_category": (CODE, gettext_lazy("Status category")),
    "line": (CODE, gettext_lazy("Line")),
    "plan": (CODE, gettext_lazy("Plan")),
    "priority": (NUMBER, gettext_lazy("Priority")),
    "criticality": (CODE, gettext_lazy("Criticality")),
    "category": (ID, gettext_lazy("Category")),
    "channel": (CODE, gettext_lazy("Channel")),
    "company": (ID, gettext_lazy("Company")),
    "assignee": (ID, gettext_lazy("Assignee")),
    "kind": (CODE, gettext_lazy("Kind")),
    "tags": (LIST, gettext_lazy("Tags")),
    "subject": (TEXT, gettext_lazy("Subject")),
    "body": (TEXT, gettext_lazy("Message text")),
    "sla_state": (CODE, gettext_lazy("SLA")),
    "event_actor": (CODE, gettext_lazy("Who caused the event")),
    "within_business_hours": (FLAG, gettext_lazy("Within working hours")),
    "answered": (FLAG, gettext_lazy("Support has replied")),
    "answered_since_claimed": (FLAG, gettext_lazy("Replied since it was claimed")),
}
MAX_DEPTH = 4
MAX_LEAVES = 50


def conditions_clean(raw: Any) -> dict[str, Any]:
    """A validated copy of `raw`; InvalidInput naming the condition (conditions.all.1.value) when it is not."""
    if raw in (None, "", {}):
        return {}
    counter = [0]
    return _clean_group(raw, "conditions", 0, counter)


def _clean_group(raw: Any, path: str, depth: int, counter: list[int]) -> dict[str, Any]:
    if not isinstance(raw, dict) or len(raw) != 1 or next(iter(raw)) not in ("all", "any"):
        raise InvalidInput.field(path, _('A group must be {"all": [...]} or {"any": [...]}.'))
    if depth >= MAX_DEPTH:
        raise InvalidInput.field(path, _("Conditions are nested too deeply."))
    ((join, items),) = raw.items()
    if not isinstance(items, list) or not items:
        raise InvalidInput.field(f"{path}.{join}", _("A group needs a list of conditions."))
    cleaned = []
    for index, item in enumerate(items):
        where = f"{path}.{join}.{index}"
        if isinstance(item, dict) and ("all" in item or "any" in item):
            cleaned.append(_clean_group(item, where, depth + 1, counter))
        else:
            counter[0] += 1
            if counter[0] > MAX_LEAVES:
                raise InvalidInput.field(path, _("Too many conditions."))
            cleaned.append(_clean_leaf(item, where))
    return {join: cleaned}


def _clean_leaf(raw: Any, path: str) -> dict[str, Any]:
    if not isinstance(raw, dict) or set(raw) - {"field", "op", "value"}:
        raise InvalidInput.field(path, _("A condition has a field, an operator and a value."))
    field, op = raw.get("field"), raw.get("op")
    if field not in FIELDS:
        raise InvalidInput.field(f"{path}.field", _("Unknown field «%(field)s».") % {"field": field})
    kind = FIELDS[field][0]
    if op not in OPERATORS[kind]:
        raise InvalidInput.field(
            f"{path}.op", _("The operator «%(op)s» does not apply to «%(field)s».") % {"op": op, "field": field}
        )
    if op in UNARY:
        return {"field": field, "op": op}
    value = raw.get("value")
    listed = op in ("in", "not_in", "contains_any", "has_word")
    values = value if listed else [value]
    if not isinstance(values, list) or not values or len(values) > 200:
        raise InvalidInput.field(f"{path}.value", _("Give a list of values."))
    clean_values = [_clean_value(kind, item, f"{path}.value") for item in values]
    return {"field": field, "op": op, "value": clean_values if listed else clean_values[0]}


def _clean_value(kind: str, value: Any, path: str) -> Any:
    if kind in (NUMBER, ID):
        if isinstance(value, bool) or not isinstance(value, int):
            try:
                return int(str(value))
            except ValueError:
                raise InvalidInput.field(path, _("A number is expected.")) from None
        return value
    if value is None or isinstance(value, (dict, list)) or str(value).strip() == "":
        raise InvalidInput.field(path, _("A value is expected."))
    return str(value).strip()


@dataclass
class Facts:
    """What conditions read: plain values of a ticket (and the event being handled), some computed lazily."""

    values: dict[str, Any]
    lazy: Mapping[str, Callable[[], Any]]

    def get(self, field: str) -> Any:
        if field not in self.values and field in self.lazy:
            self.values[field] = self.lazy[field]()
        return self.values.get(field)


def conditions_hold(conditions: Mapping[str, Any], facts: Facts) -> bool:
    """Whether clean `conditions` hold for `facts`; an empty condition holds."""
    if not conditions:
        return True
    return _holds(conditions, facts)


def _holds(node: Mapping[str, Any], facts: Facts) -> bool:
    if "all" in node:
        return all(_holds(item, facts) for item in node["all"])
    if "any" in node:
        return any(_holds(item, facts) for item in node["any"])
    return _compare(facts.get(node["field"]), node["op"], node.get("value"))


def _compare(actual: Any, op: str, expected: Any) -> bool:
    if op == "is_empty":
        return actual in (None, "", [])
    if op == "is_set":
        return actual not in (None, "", [])
    if op == "is_true":
        return bool(actual)
    if op == "is_false":
        return not actual
    if op == "has_word":
        text = str(actual or "").casefold().replace("ё", "е")
        return any(_word(str(word)).search(text) for word in expected)
    if op in ("contains", "not_contains", "contains_any"):
        words = expected if isinstance(expected, list) else [expected]
        found = any(_contains(actual, str(word)) for word in words)
        return not found if op == "not_contains" else found
    if op == "eq":
        return bool(actual == expected)
    if op == "ne":
        return bool(actual != expected)
    if op == "in":
        return actual in expected
    if op == "not_in":
        return actual not in expected
    if actual is None:
        return False
    return {"gt": actual > expected, "gte": actual >= expected, "lt": actual < expected, "lte": actual <= expected}[op]


@lru_cache(maxsize=512)
def _word(word: str) -> re.Pattern[str]:
    """A whole word or phrase («платно» is not found in «бесплатно»)."""
    return re.compile(rf"(?<!\w){re.escape(word.casefold().replace('ё', 'е'))}(?!\w)")


def _contains(actual: Any, word: str) -> bool:
    """Case-insensitive substring for text; membership (case-insensitive) for lists such as tags."""
    needle = word.casefold().replace("ё", "е")
    if isinstance(actual, list):
        return any(str(item).casefold().replace("ё", "е") == needle for item in actual)
    return needle in str(actual or "").casefold().replace("ё", "е")


def conditions_fields(conditions: Mapping[str, Any]) -> set[str]:
    """The fields a clean condition reads (to know whether it depends on the moment)."""
    if not conditions:
        return set()
    if "all" in conditions or "any" in conditions:
        items = conditions.get("all") or conditions.get("any") or []
        return set().union(*(conditions_fields(item) for item in items))
    return {conditions["field"]}
