"""The ticket page and transferring a ticket to another line (a modal, or its own page without JavaScript)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from otvet.core.errors import ServiceError
from otvet.tickets.access import Actor, ticket_get_for_user
from otvet.tickets.services import ticket_transfer
from otvet.workspace.forms import TransferForm
from otvet.workspace.pages import ticket_context
from otvet.workspace.views.common import add_service_error, desk_view, render_desk, ticket_response


@desk_view
def ticket_detail(request: HttpRequest, actor: Actor, number: int) -> HttpResponse:
    ticket = ticket_get_for_user(actor, number)
    return render_desk(request, actor, "workspace/ticket.html", ticket_context(actor, ticket))


@desk_view
def ticket_transfer_view(request: HttpRequest, actor: Actor, number: int) -> HttpResponse:
    ticket = ticket_get_for_user(actor, number)
    if request.method != "POST":
        return render_desk(request, actor, "workspace/transfer.html", ticket_context(actor, ticket))
    form = TransferForm(request.POST)
    status = 422
    if form.is_valid():
        line = form.cleaned_data["line"]
        try:
            ticket_transfer(ticket=ticket, actor=actor, line=line, note=form.cleaned_data["note"])
        except ServiceError as error:
            add_service_error(form, error)
            status = error.status
        else:
            return ticket_response(request, actor, number, done=_("Transferred to %(line)s.") % {"line": line.name})
    if request.htmx:  # type: ignore[attr-defined]
        return ticket_response(request, actor, number, status=status, transfer_form=form)
    context = ticket_context(actor, ticket, transfer_form=form)
    return render_desk(request, actor, "workspace/transfer.html", context, status=status)
