"""Saved personal views: keep the current filters of "All tickets" under a name, delete one."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otvet.core.errors import ServiceError
from otvet.tickets.access import Actor
from otvet.tickets.services.saved_views import saved_view_delete, saved_view_params, saved_view_save
from otvet.workspace.forms import SavedViewForm
from otvet.workspace.views.common import desk_view


@desk_view
@require_POST
def view_save(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = SavedViewForm(request.POST)
    if form.is_valid():
        try:
            view = saved_view_save(actor=actor, name=form.cleaned_data["name"], params=request.POST)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The view “%(name)s” is saved.") % {"name": view.name})
            separator = "&" if view.querystring else ""
            return redirect(f"{reverse('workspace-tickets')}?{view.querystring}{separator}view={view.pk}")
    else:
        messages.error(request, _("Give the view a name of up to 80 characters."))
    # Back to the filters the agent was looking at, with the message on top.
    return redirect(f"{reverse('workspace-tickets')}?{urlencode(saved_view_params(request.POST))}")


@desk_view
@require_POST
def view_delete(request: HttpRequest, actor: Actor, view_id: int) -> HttpResponse:
    saved_view_delete(actor=actor, view_id=view_id)
    messages.success(request, _("The view is deleted."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("workspace-home")
    return redirect(target)
