"""The composer's three actions: «Ответить» (public reply), «Комментарий» (internal note), «Решить» (reply + solved)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otvet.core.errors import ServiceError
from otvet.tickets.access import Actor, ticket_get_for_user
from otvet.tickets.models import Attachment, Ticket
from otvet.tickets.services import ticket_add_note, ticket_reply, ticket_resolve
from otvet.tickets.services.collision import Change, since_parse, ticket_changes_since
from otvet.tickets.uploads import uploads_from_request
from otvet.workspace.forms import ComposeForm
from otvet.workspace.views.common import add_service_error, desk_view, ticket_response

# (ticket, cleaned form data, attachments) -> the service call
Write = Callable[[Ticket, dict[str, Any], list[Attachment]], object]


@desk_view
@require_POST
def ticket_reply_view(request: HttpRequest, actor: Actor, number: int) -> HttpResponse:
    def write(ticket: Ticket, data: dict[str, Any], files: list[Attachment]) -> object:
        return ticket_reply(ticket=ticket, actor=actor, body=data["body"], attachments=files, status=data["status"])

    return _compose(request, actor, number, "reply", write, _("Reply sent."))


@desk_view
@require_POST
def ticket_note_view(request: HttpRequest, actor: Actor, number: int) -> HttpResponse:
    def write(ticket: Ticket, data: dict[str, Any], files: list[Attachment]) -> object:
        return ticket_add_note(ticket=ticket, actor=actor, body=data["body"], attachments=files)

    return _compose(request, actor, number, "note", write, _("Internal note added."))


@desk_view
@require_POST
def ticket_resolve_view(request: HttpRequest, actor: Actor, number: int) -> HttpResponse:
    def write(ticket: Ticket, data: dict[str, Any], files: list[Attachment]) -> object:
        return ticket_resolve(ticket=ticket, actor=actor, body=data["body"], attachments=files)

    return _compose(request, actor, number, "reply", write, _("Reply sent and the ticket is solved."))


def _compose(request: HttpRequest, actor: Actor, number: int, mode: str, write: Write, done: str) -> HttpResponse:
    """Validate the composer, keep its files across a failed submit, and make the one service call."""
    ticket = ticket_get_for_user(actor, number)
    form = ComposeForm(request.POST)
    kept, upload_error = uploads_from_request(request, actor)
    status = 422
    if request.POST.get("mode", mode) != mode:  # never let a note leave as a reply because of a wrong button
        form.add_error(None, _("Choose “Public reply” or “Internal note” again, then send."))
    if form.is_valid() and not upload_error:
        if collisions := _collisions(request, actor, ticket, mode):  # held, nothing written: the agent decides
            return ticket_response(
                request,
                actor,
                number,
                status=409,
                include_composer=True,
                compose_form=form,
                kept=kept,
                mode=mode,
                collisions=collisions,
            )
        try:
            write(ticket, form.cleaned_data, kept)
        except ServiceError as error:
            add_service_error(form, error)
            status = error.status
        else:
            return ticket_response(request, actor, number, done=done, include_composer=True, mode=mode)
    return ticket_response(
        request,
        actor,
        number,
        status=status,
        include_composer=True,
        compose_form=form,
        kept=kept,
        upload_error=upload_error,
        mode=mode,
    )


def _collisions(request: HttpRequest, actor: Actor, ticket: Ticket, mode: str) -> list[Change]:
    """What changed since the composer opened (docs/live.md); notes never collide, "Send anyway" skips the check."""
    if mode != "reply" or request.POST.get("collision") == "override":
        return []
    return ticket_changes_since(ticket=ticket, since=since_parse(request.POST.get("since")), exclude_actor=actor)
