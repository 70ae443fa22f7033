"""«Создать по звонку»: find the caller by number (or create them), then open a phone ticket on their behalf."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from otvet.core.errors import InvalidInput, ServiceError
from otvet.customers.models import Contact
from otvet.customers.phones import contact_create, contacts_by_phone, phone_or_error
from otvet.lib.phones import phone_display
from otvet.tickets.access import Actor, companies_visible_to, tickets_visible_to
from otvet.tickets.choices import Channel
from otvet.tickets.services.intake import ticket_open
from otvet.workspace.views.common import add_service_error, desk_view, render_desk

MAX_MATCHES = 20
OPEN_TICKETS_SHOWN = 5


class CallTicketForm(forms.Form):
    """The ticket opened for the caller: a subject and the notes of the call as the first message."""

    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=255)
    body = forms.CharField(label=gettext_lazy("Notes of the call"), widget=forms.Textarea(attrs={"rows": 4}))


class NewCallerForm(CallTicketForm):
    """A caller who is not a contact yet, and their ticket."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)
    company = forms.ModelChoiceField(label=gettext_lazy("Company"), queryset=Contact.objects.none(), required=False)

    field_order = ["name", "email", "company", "subject", "body"]

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies_visible_to(actor).only("pk", "name").order_by("name")  # type: ignore[attr-defined]


@desk_view
def call_new(request: HttpRequest, actor: Actor) -> HttpResponse:
    """GET ?phone=…: the callers with this number and their open tickets; POST: open the ticket (or create the
    contact first)."""
    data = request.POST if request.method == "POST" else None
    raw = (request.POST.get("phone") if data else request.GET.get("phone")) or ""
    number, phone_error = "", ""
    if raw.strip():
        try:
            number = phone_or_error(raw)
        except InvalidInput as error:
            phone_error = error.message
    contacts = list(contacts_by_phone(actor=actor, phone=number)[:MAX_MATCHES]) if number else []
    chosen = request.POST.get("contact", "") if data else ""
    ticket_form = CallTicketForm(data if chosen else None)
    new_form = NewCallerForm(data if data and not chosen else None, actor=actor)
    status = 200
    if data is not None and number:
        form: forms.Form = ticket_form if chosen else new_form
        if form.is_valid():
            try:
                number_opened = _open(actor, form.cleaned_data, number, contacts, chosen)
            except ServiceError as error:
                add_service_error(form, error)
                status = error.status
            else:
                return redirect("workspace-ticket", number=number_opened)
        else:
            status = 422
    elif data is not None:
        phone_error, status = phone_error or _("Enter the caller's number."), 422
    context = {
        "active": "call",
        "phone": raw,
        "number": number,
        "number_display": phone_display(number) if number else "",
        "phone_error": phone_error,
        "matches": _with_open_tickets(actor, contacts),
        "chosen": chosen,
        "ticket_form": ticket_form,
        "blank_form": CallTicketForm(),
        "new_form": new_form,
        "action": reverse("workspace-call-new"),
    }
    return render_desk(request, actor, "workspace/call.html", context, status=status)


def _open(actor: Actor, data: dict[str, Any], number: str, contacts: list[Contact], chosen: str) -> int:
    """Open the phone ticket for the chosen contact, or for a new one created in the same transaction."""
    with transaction.atomic():
        if chosen:
            requester = next((c for c in contacts if str(c.pk) == chosen), None)
            if requester is None:  # not among this number's callers the agent may see
                raise InvalidInput(_("Choose one of the callers found by this number."))
        else:
            requester = contact_create(
                actor=actor, name=data["name"], phone=number, email=data["email"], company=data["company"]
            )
        ticket = ticket_open(
            actor=actor, requester=requester, subject=data["subject"], body=data["body"], channel=Channel.PHONE
        )
    return ticket.pk


def _with_open_tickets(actor: Actor, contacts: list[Contact]) -> list[tuple[Contact, list[Any]]]:
    """Each caller with their latest open tickets the agent may see (one query for all of them)."""
    if not contacts:
        return []
    tickets = (
        tickets_visible_to(actor)
        .filter(requester__in=contacts, is_open=True)
        .select_related("status")
        .order_by("-created_at")[: OPEN_TICKETS_SHOWN * len(contacts)]
    )
    by_contact: dict[int, list[Any]] = {c.pk: [] for c in contacts}
    for ticket in tickets:
        shown = by_contact[ticket.requester_id]
        if len(shown) < OPEN_TICKETS_SHOWN:
            shown.append(ticket)
    return [(c, by_contact[c.pk]) for c in contacts]
