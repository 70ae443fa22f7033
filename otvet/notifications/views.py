"""The bell and the notification list, for agents in the workspace and customers in the portal."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from otvet.accounts.models import User
from otvet.core.errors import NotFound, ServiceError
from otvet.notifications.selectors import UNREAD_CAP, notifications_page, notifications_unread_count
from otvet.notifications.services import notification_read, notifications_read_all
from otvet.portal.pages import customer_actor
from otvet.tickets.access import Actor
from otvet.workspace.views.common import desk_view, render_desk


def unread_badge(request: HttpRequest) -> HttpResponse:
    """The bell's badge, polled by both sides: the session, the user and one count; nothing for a signed-out page."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    count = notifications_unread_count(request.user)  # type: ignore[arg-type]
    return render(request, "notifications/_badge.html", {"count": count, "more": count >= UNREAD_CAP})


@desk_view
def desk_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    assert actor.user is not None
    try:
        page = notifications_page(actor.user, request.GET.get("cursor") or None)
    except ServiceError:  # a stale or forged cursor: start again from the top
        return redirect("notifications-desk")
    context = {"page": page, "active": "notifications", "side": "desk"}
    return render_desk(request, actor, "notifications/desk_list.html", context)


@require_POST
@desk_view
def desk_open(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Mark it read and go to its ticket (the ticket page itself checks that it is still in scope)."""
    assert actor.user is not None
    notification = notification_read(user=actor.user, notification_id=pk)
    if notification.ticket_id is None:
        return redirect("notifications-desk")
    return redirect("workspace-ticket", number=notification.ticket_id)


@require_POST
@desk_view
def desk_read_all(request: HttpRequest, actor: Actor) -> HttpResponse:
    assert actor.user is not None
    notifications_read_all(user=actor.user)
    return redirect("notifications-desk")


@login_required
def portal_list(request: HttpRequest) -> HttpResponse:
    user = _customer(request)
    try:
        page = notifications_page(user, request.GET.get("cursor") or None)
    except ServiceError:
        return redirect("notifications-portal")
    return render(request, "notifications/portal_list.html", {"page": page, "side": "portal"})


@require_POST
@login_required
def portal_open(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notification = notification_read(user=_customer(request), notification_id=pk)
    except NotFound as error:
        raise Http404 from error
    if notification.ticket_id is None:
        return redirect("notifications-portal")
    return redirect("portal-request", number=notification.ticket_id)


@require_POST
@login_required
def portal_read_all(request: HttpRequest) -> HttpResponse:
    notifications_read_all(user=_customer(request))
    return redirect("notifications-portal")


def _customer(request: HttpRequest) -> User:
    """The signed-in customer's user; agents use the workspace, so the portal side is a 404 for them."""
    user = customer_actor(request).user
    assert user is not None
    return user
