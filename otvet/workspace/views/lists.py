"""Ticket lists: the queues, all tickets with filters and search, and the sidebar's live counts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from otvet.core.errors import ServiceError
from otvet.core.pagination import paginate
from otvet.tickets.access import Actor
from otvet.tickets.filters import ORDERINGS, tickets_filtered
from otvet.tickets.models import SavedView
from otvet.workspace.forms import list_params
from otvet.workspace.pages import list_context, nav_context
from otvet.workspace.queues import NEW, Queue, Queues, queues_for
from otvet.workspace.views.common import desk_view, render_desk

PAGE_SIZE = 50
ROW_RELATIONS = ("status", "company__plan", "requester", "assignee__user")


@desk_view
def queue_list(request: HttpRequest, actor: Actor, key: str = NEW) -> HttpResponse:
    """One queue, most urgent and longest waiting first; the filter bar narrows it further."""
    queues = queues_for(actor)
    return _ticket_list(request, actor, queues, queues.get(key))


@desk_view
def ticket_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Every ticket in scope, solved and closed included: search, filters, sort, saved views."""
    return _ticket_list(request, actor, queues_for(actor), None)


def _ticket_list(request: HttpRequest, actor: Actor, queues: Queues, queue: Queue | None) -> HttpResponse:
    params = list_params(request.GET)
    sort = "queue" if queue is not None else params.sort
    tickets = tickets_filtered(actor, params.wanted)
    if queue is not None:
        tickets = tickets.filter(queue.condition)
    try:
        page = paginate(tickets.select_related(*ROW_RELATIONS), ORDERINGS[sort], request.GET.get("cursor"), PAGE_SIZE)
    except ServiceError:  # a stale or forged cursor: start again from the top
        return redirect(request.path)
    context = {"page": page, "params": params, "sort": sort, "queue": queue}
    if request.htmx and request.GET.get("cursor"):  # type: ignore[attr-defined]
        return render(request, "workspace/_rows.html", context)
    context.update(list_context(actor, queues, params))
    context.update(_heading(actor, queue, request.GET.get("view", "")))
    return render_desk(request, actor, "workspace/list.html", context, queues=queues)


def _heading(actor: Actor, queue: Queue | None, view_id: str) -> dict[str, object]:
    if queue is not None:
        return {"title": queue.title, "description": queue.description, "active": queue.key}
    view = SavedView.objects.filter(owner=actor.user, pk=view_id).first() if view_id.isdigit() else None
    if view is not None:
        return {"title": view.name, "description": _("Your saved view."), "active": str(view.pk), "current_view": view}
    return {"title": _("All tickets"), "description": _("Solved and closed tickets included."), "active": "search"}


@desk_view
def nav_counts(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The sidebar's badges, swapped in place every 20 seconds (cached counts: cheap to poll)."""
    return render(request, "workspace/_counts.html", nav_context(actor))
