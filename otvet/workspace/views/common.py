"""What every workspace view shares: the agent check, rendering with the sidebar, answering a ticket action."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from otvet.accounts.models import User
from otvet.core.errors import NotFound, ServiceError
from otvet.tickets.access import Actor, actor_for_user, ticket_get_for_user
from otvet.workspace.pages import sidebar_context, ticket_context
from otvet.workspace.queues import Queues, queue_counts_forget

DeskView = Callable[..., HttpResponse]
TICKET_CHANGED = "ot-ticket-changed"  # an htmx event: the sidebar refreshes its counts, open dialogs close


def desk_view(view: DeskView) -> DeskView:
    """Agents only: anonymous users go to the login page, everyone else gets a 404; NotFound becomes a 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            if request.htmx:  # type: ignore[attr-defined]
                login = f"{reverse('account_login')}?next={request.htmx.current_url_abs_path or '/desk/'}"  # type: ignore[attr-defined]
                return HttpResponse(status=204, headers={"HX-Redirect": login})
            return redirect_to_login(request.get_full_path())
        assert isinstance(request.user, User)
        actor = actor_for_user(request.user)
        if not actor.is_agent:
            raise Http404
        try:
            return view(request, actor, *args, **kwargs)
        except NotFound as error:
            raise Http404 from error

    return wrapper


def render_desk(
    request: HttpRequest,
    actor: Actor,
    template: str,
    context: dict[str, Any],
    *,
    queues: Queues | None = None,
    status: int = 200,
) -> HttpResponse:
    """A full workspace page: `context` plus the sidebar."""
    return render(request, template, {**sidebar_context(actor, queues), **context}, status=status)


def ticket_response(
    request: HttpRequest, actor: Actor, number: int, *, status: int = 200, done: str = "", **extra: Any
) -> HttpResponse:
    """After an action: htmx gets the re-rendered panels (out of band), a plain form post a redirect or the page."""
    if status < 400:
        queue_counts_forget(actor)
    try:
        ticket = ticket_get_for_user(actor, number)
    except NotFound:
        if status >= 400:
            raise
        return _left_scope(request, done)
    if request.htmx:  # type: ignore[attr-defined]
        context = ticket_context(actor, ticket, done=done, **extra)
        response = render(request, "workspace/ticket/_update.html", context, status=status)
        if status < 400:
            response["HX-Trigger"] = json.dumps({TICKET_CHANGED: True})
        return response
    if status >= 400:
        return render_desk(
            request, actor, "workspace/ticket.html", ticket_context(actor, ticket, **extra), status=status
        )
    if done:
        messages.success(request, done)
    return redirect("workspace-ticket", number=number)


def add_service_error(form: Form, error: ServiceError) -> None:
    """Show a refused action next to the field it concerns, or at the top of the form."""
    if not error.fields:
        form.add_error(None, error.message)
    for name, message in error.fields.items():
        form.add_error(name if name in form.fields else None, message)


def _left_scope(request: HttpRequest, done: str) -> HttpResponse:
    """The action took the ticket out of the agent's scope (e.g. back to a partner's line): go to the queues."""
    if done:
        messages.success(request, done)
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponse(status=204, headers={"HX-Redirect": reverse("workspace-home")})
    return redirect("workspace-home")
