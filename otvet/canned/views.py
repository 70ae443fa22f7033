"""Workspace adapters for canned responses: list, create, edit, delete, and the composer's search and insert."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from otvet.canned.forms import CannedForm
from otvet.canned.models import CannedResponse
from otvet.canned.selectors import canned_categories, canned_get_for_user, canned_list, canned_search
from otvet.canned.services import can_edit, canned_create, canned_delete, canned_update, canned_use
from otvet.canned.texts import PLACEHOLDERS
from otvet.core.errors import ServiceError
from otvet.tickets.access import Actor, ticket_get_for_user
from otvet.workspace.views.common import add_service_error, desk_view, render_desk


@desk_view
@require_GET
def canned_list_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    query, category = request.GET.get("q", "").strip()[:100], request.GET.get("category", "").strip()
    rows = canned_list(actor, query=query, category=category)
    groups: dict[str, list[CannedResponse]] = {}
    for row in rows:
        groups.setdefault(row.category, []).append(row)
    context = {
        "active": "canned",
        "groups": groups.items(),
        "count": len(rows),
        "editable": {row.pk for row in rows if can_edit(row, actor)},
        "categories": canned_categories(actor),
        "query": query,
        "category": category,
    }
    return render_desk(request, actor, "canned/list.html", context)


@desk_view
def canned_new_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = CannedForm(request.POST or None, may_share=actor.is_supervisor)
    if request.method == "POST" and form.is_valid():
        try:
            canned_create(actor=actor, data=form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Canned response saved."))
            return redirect("canned-list")
    return _form_page(request, actor, form, None)


@desk_view
def canned_edit_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    canned = canned_get_for_user(actor, pk)  # another agent's personal one: 404
    if not can_edit(canned, actor):
        raise Forbidden
    initial = {
        name: getattr(canned, name) for name in ("title", "shortcut", "category", "body", "body_en", "is_active")
    }
    form = CannedForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            canned_update(canned=canned, actor=actor, data=form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Canned response saved."))
            return redirect("canned-list")
    return _form_page(request, actor, form, canned)


@desk_view
@require_POST
def canned_delete_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    canned = canned_get_for_user(actor, pk)
    try:
        canned_delete(canned=canned, actor=actor)
    except ServiceError as error:
        raise Forbidden(error.message) from error
    messages.success(request, _("Canned response deleted."))
    return redirect("canned-list")


@desk_view
@require_GET
def canned_search_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The picker's matches (htmx): by shortcut, title or text, most used first."""
    query = request.GET.get("q", "").strip()[:100]
    rows = canned_search(actor, query)
    return render(request, "canned/_picker_results.html", {"rows": rows, "query": query})


@desk_view
@require_POST
def canned_use_view(request: HttpRequest, actor: Actor, pk: int, number: int) -> JsonResponse:
    """The chosen response filled for the ticket (in the customer's language), for the composer to insert."""
    ticket = ticket_get_for_user(actor, number)
    canned = canned_get_for_user(actor, pk)
    if not canned.is_active:
        return JsonResponse({"error": _("This canned response is switched off.")}, status=409)
    return JsonResponse({"text": canned_use(canned=canned, ticket=ticket, actor=actor)})


def _form_page(request: HttpRequest, actor: Actor, form: CannedForm, canned: CannedResponse | None) -> HttpResponse:
    context = {
        "active": "canned",
        "form": form,
        "canned": canned,
        "categories": canned_categories(actor),
        "placeholders": PLACEHOLDERS,
    }
    return render_desk(request, actor, "canned/form.html", context, status=422 if form.errors else 200)
