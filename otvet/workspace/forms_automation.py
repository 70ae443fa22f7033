"""Automation forms: a rule as plain data for the services, testing it on a ticket, a dry run, importing rules."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from otvet.automation.choices import RuleKind, TimerAnchor
from otvet.automation.models import Rule
from otvet.automation.triggers import TRIGGERS
from otvet.core.errors import ServiceError

MAX_IMPORT_BYTES = 1024 * 1024
UNNAMED = "—"  # testing an unsaved rule needs no name, but rule_clean wants one
PARAM_LABELS: dict[str, Any] = {
    "field": _("field"),
    "op": _("operator"),
    "value": _("value"),
    "type": _("action"),
    "status": _("status"),
    "priority": _("priority"),
    "raise_only": _("only raise"),
    "reason": _("reason"),
    "line": _("line"),
    "note": _("note"),
    "agent": _("agent"),
    "tag": _("tag"),
    "body": _("text"),
    "body_en": _("text in English"),
    "audience": _("whom"),
    "canned": _("canned response"),
    "text": _("text"),
    "email": _("also by email"),
}


class RuleForm(forms.Form):
    """The whole rule; conditions and actions arrive as JSON (the builder writes it, the advanced mode shows it)."""

    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label=_("Runs"), choices=RuleKind.choices, widget=forms.RadioSelect)
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=list(TRIGGERS.items()), required=False, widget=forms.CheckboxSelectMultiple
    )
    anchor = forms.ChoiceField(label=_("Counted from"), choices=[("", "—"), *TimerAnchor.choices], required=False)
    minutes = forms.IntegerField(label=_("Minutes"), required=False, min_value=1)
    business_time = forms.BooleanField(label=_("In working time"), required=False)
    conditions = forms.CharField(
        label=_("Conditions (JSON)"), required=False, widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"})
    )
    actions = forms.CharField(
        label=_("Actions (JSON)"), required=False, widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"})
    )

    @classmethod
    def for_rule(cls, rule: Rule | None) -> RuleForm:
        """An unbound form showing `rule` (or a new trigger rule)."""
        if rule is None:
            return cls(initial={"kind": RuleKind.TRIGGER, "conditions": "{}", "actions": "[]"})
        initial = {name: getattr(rule, name) for name in ("name", "description", "kind", "events", "anchor")}
        initial.update(
            minutes=rule.minutes,
            business_time=rule.business_time,
            conditions=json.dumps(rule.conditions or {}, ensure_ascii=False, indent=2),
            actions=json.dumps(rule.actions or [], ensure_ascii=False, indent=2),
        )
        return cls(initial=initial)

    def clean_conditions(self) -> Any:
        return _json(self.cleaned_data["conditions"], {})

    def clean_actions(self) -> Any:
        return _json(self.cleaned_data["actions"], [])

    def rule_data(self, *, rule: Rule | None = None, placeholder_name: bool = False) -> dict[str, Any]:
        """The plain data rule_create/rule_update take; an edited rule keeps its switch and preset."""
        data = dict(self.cleaned_data)
        if placeholder_name and not data["name"]:
            data["name"] = UNNAMED
        data["is_active"] = rule.is_active if rule is not None else False
        data["preset"] = rule.preset if rule is not None else ""
        return data

    def add_service_error(self, error: ServiceError) -> dict[str, str]:
        """Errors on the fields they name; those inside conditions and actions are returned for the builder rows
        (and shown under the JSON field too, so that they are seen without JavaScript)."""
        rows: dict[str, str] = {}
        for key, message in (error.fields or {}).items():
            top = key.split(".")[0]
            if top in ("conditions", "actions"):
                rows[key] = message
                self.add_error(top, f"{error_place(key)}: {message}")
            else:
                self.add_error(top if top in self.fields else None, message)
        if not error.fields:
            self.add_error(None, error.message)
        return rows


class RuleTestForm(forms.Form):
    ticket = forms.IntegerField(label=_("Ticket number"), min_value=1)


class DryRunForm(forms.Form):
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=365, initial=30)


class RulesImportForm(forms.Form):
    file = forms.FileField(label=_("JSON file"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        try:
            return json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise forms.ValidationError(_("The file is not valid JSON: %(error)s") % {"error": error}) from None


def _json(text: str, empty: Any) -> Any:
    if not text.strip():
        return empty
    try:
        return json.loads(text)
    except ValueError as error:
        raise forms.ValidationError(_("Not valid JSON: %(error)s") % {"error": error}) from None


def error_place(key: str) -> str:
    """Where an error is, in words: «conditions.all.1.value» is «Condition 2, value»."""
    parts = key.split(".")
    numbers = [str(int(part) + 1) for part in parts[1:] if part.isdigit()]
    last = parts[-1]
    param = "" if last.isdigit() or last in ("all", "any") or len(parts) == 1 else str(PARAM_LABELS.get(last, last))
    if parts[0] == "conditions":
        place = gettext("Condition %(n)s") % {"n": ".".join(numbers)} if numbers else gettext("Conditions")
    elif parts[0] == "actions":
        place = gettext("Action %(n)s") % {"n": ".".join(numbers)} if numbers else gettext("Actions")
    else:
        place = str(PARAM_LABELS.get(parts[0], parts[0]))
    return f"{place}, {param}" if param else place
