"""Workspace forms: the list's filter parameters, the composer, transfer, inline field edits, notes, saved views."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from otvet.accounts.models import Agent
from otvet.tickets.choices import Channel, Priority, StatusCategory
from otvet.tickets.filters import ORDERINGS, TicketFilter
from otvet.tickets.models import Category, Criticality, Line, Status
from otvet.tickets.services.saved_views import PARAMS

STATES = ("open", StatusCategory.SOLVED.value, StatusCategory.CLOSED.value)


@dataclass
class ListParams:
    """The filter bar's GET parameters, read leniently: a malformed value is simply ignored."""

    values: dict[str, str]
    wanted: TicketFilter
    sort: str

    @property
    def active(self) -> bool:
        return any(self.values.get(name) for name in PARAMS if name != "sort")


def list_params(query: Mapping[str, str], *, default_sort: str = "queue") -> ListParams:
    values = {name: str(query.get(name) or "").strip() for name in PARAMS}
    state = values["state"]
    wanted = TicketFilter(
        statuses=[values["status"]] if values["status"] else [],
        is_open=True if state == "open" else None,
        status_category=state if state in STATES[1:] else "",
        line=values["line"],
        assignee=values["assignee"] if values["assignee"] in ("me", "none") or values["assignee"].isdigit() else "",
        company=_int(values["company"]),
        priority=_int(values["priority"]),
        criticality=values["criticality"],
        category=_int(values["category"]),
        channel=values["channel"] if values["channel"] in Channel.values else "",
        q=values["q"],
    )
    # A search lists newest activity first unless asked otherwise: an index serves that order over any match.
    sort = values["sort"] if values["sort"] in ORDERINGS else ("updated" if values["q"] else default_sort)
    return ListParams(values=values, wanted=wanted, sort=sort)


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 19 else None


class ComposeForm(forms.Form):
    """The composer: one text for «Ответить», «Комментарий» and «Решить»; the status applies to a reply.

    Templates render the selects of these forms from the page's vocabulary lists; the forms only validate.
    """

    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}))
    status = forms.ModelChoiceField(
        label=_("Then set the status"), queryset=Status.objects.filter(is_active=True), required=False
    )


class TransferForm(forms.Form):
    line = forms.ModelChoiceField(label=_("Line"), queryset=Line.objects.filter(is_active=True))
    note = forms.CharField(label=_("Note for the next line"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class StatusForm(forms.Form):
    status = forms.ModelChoiceField(label=_("Status"), queryset=Status.objects.filter(is_active=True))


class AssigneeForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=Agent.objects.filter(is_active=True), required=False
    )


class FieldsForm(forms.Form):
    """Priority, criticality and category; only the fields present in the request are changed."""

    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int, required=False)
    criticality = forms.ModelChoiceField(label=_("Criticality"), queryset=Criticality.objects.all(), required=False)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True), required=False
    )

    def changed_values(self, posted: Iterable[str]) -> dict[str, Any]:
        values = {name: self.cleaned_data[name] for name in self.fields if name in posted}
        if values.get("priority") in ("", None):
            values.pop("priority", None)  # priority has no "none"
        return values


class SupportNoteForm(forms.Form):
    body = forms.CharField(label=_("New note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}), strip=True)


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("View name"), max_length=80)
