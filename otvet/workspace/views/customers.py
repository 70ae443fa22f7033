"""Internal support notes about the customer [Заметки для поддержки], kept between shifts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otvet.core.errors import ServiceError
from otvet.customers.services import support_note_add
from otvet.tickets.access import Actor, ticket_get_for_user
from otvet.workspace.forms import SupportNoteForm
from otvet.workspace.views.common import add_service_error, desk_view, ticket_response


@desk_view
@require_POST
def support_note_view(request: HttpRequest, actor: Actor, number: int) -> HttpResponse:
    """A note about the ticket's company (or its requester when there is no company)."""
    ticket = ticket_get_for_user(actor, number)
    form = SupportNoteForm(request.POST)
    status = 422
    if form.is_valid():
        about = {"company": ticket.company} if ticket.company else {"contact": ticket.requester}
        try:
            support_note_add(actor=actor, body=form.cleaned_data["body"], **about)
        except ServiceError as error:
            add_service_error(form, error)
            status = error.status
        else:
            return ticket_response(request, actor, number, done=_("Note saved for the next shift."))
    return ticket_response(request, actor, number, status=status, note_form=form)
