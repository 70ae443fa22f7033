"""One-click actions on a ticket: «Я отвечу» (claim), release, inline edits of status, fields and assignee."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otvet.core.errors import Conflict, ServiceError
from otvet.tickets.access import Actor, ticket_get_for_user
from otvet.tickets.services import (
    ticket_assign,
    ticket_change_status,
    ticket_claim,
    ticket_release,
    ticket_update_fields,
)
from otvet.workspace.forms import AssigneeForm, FieldsForm, StatusForm
from otvet.workspace.views.common import desk_view, ticket_response


@desk_view
@require_POST
def ticket_claim_view(request: HttpRequest, actor: Actor, number: int) -> HttpResponse:
    ticket = ticket_get_for_user(actor, number)
    try:
        ticket_claim(ticket=ticket, actor=actor, force=request.POST.get("force") == "1")
    except Conflict:
        holder = ticket_get_for_user(actor, number).assignee
        name = (holder.user.name or holder.user.email) if holder else _("Another agent")
        message = _("%(name)s is already answering this ticket.") % {"name": name}
        return ticket_response(request, actor, number, status=409, header_error=message)
    except ServiceError as error:
        return ticket_response(request, actor, number, status=error.status, header_error=error.message)
    return ticket_response(request, actor, number, done=_("You are answering this ticket."))


@desk_view
@require_POST
def ticket_release_view(request: HttpRequest, actor: Actor, number: int) -> HttpResponse:
    ticket = ticket_get_for_user(actor, number)
    try:
        ticket_release(ticket=ticket, actor=actor)
    except ServiceError as error:
        return ticket_response(request, actor, number, status=error.status, header_error=error.message)
    return ticket_response(request, actor, number, done=_("The ticket is back in its queue."))


@desk_view
@require_POST
def ticket_status_view(request: HttpRequest, actor: Actor, number: int) -> HttpResponse:
    ticket = ticket_get_for_user(actor, number)
    return _edit(
        request,
        actor,
        number,
        StatusForm(request.POST),
        lambda data: ticket_change_status(ticket=ticket, actor=actor, status=data["status"]),
    )


@desk_view
@require_POST
def ticket_fields_view(request: HttpRequest, actor: Actor, number: int) -> HttpResponse:
    ticket = ticket_get_for_user(actor, number)
    form = FieldsForm(request.POST)

    def update(data: dict[str, Any]) -> object:
        return ticket_update_fields(ticket=ticket, actor=actor, **form.changed_values(request.POST))

    return _edit(request, actor, number, form, update)


@desk_view
@require_POST
def ticket_assignee_view(request: HttpRequest, actor: Actor, number: int) -> HttpResponse:
    ticket = ticket_get_for_user(actor, number)
    return _edit(
        request,
        actor,
        number,
        AssigneeForm(request.POST),
        lambda data: ticket_assign(ticket=ticket, actor=actor, assignee=data["assignee"]),
    )


def _edit(
    request: HttpRequest, actor: Actor, number: int, form: forms.Form, call: Callable[[dict[str, Any]], object]
) -> HttpResponse:
    """An inline edit: validate, make the one service call, show any error next to the field."""
    if not form.is_valid():
        errors = {name: " ".join(str(message) for message in messages) for name, messages in form.errors.items()}
        return ticket_response(request, actor, number, status=422, property_errors=errors)
    try:
        call(form.cleaned_data)
    except ServiceError as error:
        errors = error.fields or {"__all__": error.message}
        return ticket_response(request, actor, number, status=error.status, property_errors=errors)
    return ticket_response(request, actor, number, done=_("Saved."))
