"""The portal's front door: agents go to their workspace, customers to their requests."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from otvet.tickets.access import actor_for_user


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        actor = actor_for_user(request.user)  # type: ignore[arg-type]
        return redirect("workspace-home" if actor.is_agent else "portal-requests")
    return render(request, "portal/home.html")
