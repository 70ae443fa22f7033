"""Writing rules: create, edit, switch, order, import (the only code that writes Rule rows besides counters)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from otvet.automation.actions import actions_clean
from otvet.automation.choices import RuleKind, TimerAnchor
from otvet.automation.conditions import conditions_clean
from otvet.automation.models import Rule, Timer
from otvet.automation.triggers import TRIGGERS
from otvet.core import clock
from otvet.core.errors import InvalidInput, PermissionDenied
from otvet.tickets.access import Actor

logger = logging.getLogger(__name__)

EXPORTED = ("name", "description", "kind", "is_active", "order", "events", "anchor", "minutes", "business_time",
            "conditions", "actions", "preset")  # fmt: skip
MAX_MINUTES = 366 * 24 * 60


def require_manager(actor: Actor) -> None:
    """Rules are configured by supervisors and admins (support managers), not by every agent."""
    # Rules act on every ticket, so a partner's supervisors, who see only their partner's, may not.
    platform_manager = actor.is_supervisor and actor.agent is not None and actor.agent.partner_id is None
    if not (platform_manager or actor.is_system):
        raise PermissionDenied(_("Only supervisors and administrators configure automation."))


def rule_clean(data: dict[str, Any]) -> dict[str, Any]:
    """Validated rule fields from plain data (a form, the API, an imported file); errors name the field."""
    name = " ".join(str(data.get("name") or "").split())
    if not name or len(name) > 200:
        raise InvalidInput.field("name", _("The name must have 1 to 200 characters."))
    kind = data.get("kind")
    if kind not in RuleKind.values:
        raise InvalidInput.field("kind", _("Choose when the rule runs."))
    cleaned: dict[str, Any] = {
        "name": name,
        "description": str(data.get("description") or "")[:5000],
        "kind": kind,
        "is_active": bool(data.get("is_active", False)),
        "conditions": conditions_clean(data.get("conditions")),
        "actions": actions_clean(data.get("actions")),
        "events": [],
        "anchor": "",
        "minutes": None,
        "business_time": False,
    }
    if "order" in data:
        try:
            cleaned["order"] = max(0, int(data["order"]))
        except (TypeError, ValueError):
            raise InvalidInput.field("order", _("A number is expected.")) from None
    if kind == RuleKind.TRIGGER:
        events = data.get("events")
        if not isinstance(events, list) or not events or any(event not in TRIGGERS for event in events):
            raise InvalidInput.field("events", _("Choose the events that run the rule."))
        cleaned["events"] = sorted(set(events))
    else:
        if data.get("anchor") not in TimerAnchor.values:
            raise InvalidInput.field("anchor", _("Choose the moment the time is counted from."))
        try:
            minutes = int(data.get("minutes"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise InvalidInput.field("minutes", _("A number of minutes is expected.")) from None
        if not 1 <= minutes <= MAX_MINUTES:
            raise InvalidInput.field("minutes", _("From 1 minute to a year."))
        cleaned.update(anchor=data["anchor"], minutes=minutes, business_time=bool(data.get("business_time")))
    return cleaned


def rule_create(*, actor: Actor, data: dict[str, Any], arm: bool = True) -> Rule:
    """A new rule, switched off unless the data says otherwise; new rules go last. A timer rule is armed on
    the open tickets after commit, unless `arm` is off (the demo's past is not due)."""
    require_manager(actor)
    cleaned = rule_clean(data)
    cleaned.setdefault("order", (Rule.objects.order_by("-order").values_list("order", flat=True).first() or 0) + 10)
    with transaction.atomic():
        rule = Rule.objects.create(preset=str(data.get("preset") or "")[:60], **cleaned)
        _after_change(rule, actor, "created", arm=arm)
    return rule


def rule_update(*, rule: Rule, actor: Actor, data: dict[str, Any], arm: bool = True) -> Rule:
    """Replace a rule's definition; its timers are re-armed for the new definition."""
    require_manager(actor)
    cleaned = rule_clean(data)
    with transaction.atomic():
        rule = Rule.objects.select_for_update().get(pk=rule.pk)
        for name, value in cleaned.items():
            setattr(rule, name, value)
        rule.updated_at = clock.now()
        rule.save(update_fields=[*cleaned, "updated_at"])
        _after_change(rule, actor, "updated", arm=arm)
    return rule


def rule_switch(*, rule: Rule, actor: Actor, on: bool) -> Rule:
    """Switch a rule on or off."""
    require_manager(actor)
    with transaction.atomic():
        Rule.objects.filter(pk=rule.pk).update(is_active=on, updated_at=clock.now())
        rule.refresh_from_db()
        _after_change(rule, actor, "switched on" if on else "switched off")
    return rule


def rule_delete(*, rule: Rule, actor: Actor) -> None:
    require_manager(actor)
    with transaction.atomic():
        Timer.objects.filter(key=f"rule:{rule.pk}").delete()
        logger.info("rule %s «%s» deleted by %s", rule.pk, rule.name, _who(actor))
        rule.delete()


def rules_reorder(*, actor: Actor, rule_ids: Sequence[int]) -> None:
    """Put rules in the given order; the rules not named follow them, in their present order."""
    require_manager(actor)
    with transaction.atomic():
        named = [rule_id for rule_id in dict.fromkeys(rule_ids)]
        rest = Rule.objects.exclude(pk__in=named).order_by("order", "id").values_list("pk", flat=True)
        for position, rule_id in enumerate([*named, *rest]):
            Rule.objects.filter(pk=rule_id).update(order=(position + 1) * 10)


def rules_export() -> list[dict[str, Any]]:
    """Every rule as plain JSON data, for a file that rules_import reads back."""
    return [{name: getattr(rule, name) for name in EXPORTED} for rule in Rule.objects.order_by("order", "id")]


def rules_import(*, actor: Actor, data: Any) -> list[Rule]:
    """Create rules from exported data, all or nothing; imported rules arrive switched off. A rule of the same
    preset is updated instead of doubled."""
    require_manager(actor)
    if not isinstance(data, list) or not data:
        raise InvalidInput.field("file", _("The file must hold a list of rules."))
    rules = []
    with transaction.atomic():
        for index, item in enumerate(data):
            if not isinstance(item, dict):
                raise InvalidInput.field(f"rules.{index}", _("A rule must be an object."))
            try:
                item = {**item, "is_active": False}
                existing = Rule.objects.filter(preset=item["preset"]).first() if item.get("preset") else None
                if existing is not None:
                    rules.append(
                        rule_update(rule=existing, actor=actor, data={**item, "is_active": existing.is_active})
                    )
                else:
                    rules.append(rule_create(actor=actor, data=item))
            except InvalidInput as error:
                fields = {f"rules.{index}.{name}": message for name, message in (error.fields or {}).items()}
                raise InvalidInput(error.message, code=error.code, fields=fields) from None
    return rules


def _after_change(rule: Rule, actor: Actor, what: str, *, arm: bool = True) -> None:
    """Keep timers true to the rule and leave a trace of who changed automation."""
    logger.info("rule %s «%s» %s by %s", rule.pk, rule.name, what, _who(actor))
    if rule.kind == RuleKind.TIMER and arm:
        from otvet.automation.tasks import arm_rule  # tasks import the engine: break the cycle here

        transaction.on_commit(lambda: arm_rule(rule.pk))
    elif rule.kind != RuleKind.TIMER:
        Timer.objects.filter(key=f"rule:{rule.pk}").delete()


def _who(actor: Actor) -> str:
    return actor.user.email if actor.user is not None else actor.system_reason
