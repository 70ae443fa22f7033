"""The email channel in the workspace: «Почта» (held, spam and all inbound mail), a mail's original and full
text, releasing held mail, «Не спам», and «Спам» on a ticket."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otvet.connectors.models import InboundEmail
from otvet.connectors.selectors import inbound_email_get_for_user
from otvet.connectors.services import inbound_email_release
from otvet.connectors.spam_services import inbound_email_not_spam, ticket_mark_spam
from otvet.core.errors import NotFound, ServiceError
from otvet.core.pagination import paginate
from otvet.tickets.access import Actor, ticket_get_for_user
from otvet.workspace.mail import ORDERING, TABS, mail_filename, mail_full_text, mail_rows, mail_tab
from otvet.workspace.views.common import desk_view, render_desk, ticket_response

PAGE_SIZE = 50
SWAPPED = (403, 409, 422)  # error answers that desk.js swaps in, so that the row shows the message


@desk_view
def mail_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Inbound mail of one tab, newest first; «Show more» fetches the next page's rows."""
    tab = mail_tab(request.GET.get("tab", ""))
    try:
        page = paginate(mail_rows(actor, tab), ORDERING, request.GET.get("cursor"), PAGE_SIZE)
    except ServiceError:  # a stale or forged cursor: start again from the top
        return redirect(f"{request.path}?tab={tab.key}")
    context = {"page": page, "tab": tab, "tabs": TABS, "active": "mail"}
    if request.htmx and request.GET.get("cursor"):  # type: ignore[attr-defined]
        return render(request, "workspace/mail/_rows.html", context)
    return render_desk(request, actor, "workspace/mail.html", context)


@desk_view
def mail_original(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The mail exactly as received, as an .eml download (never shown inline: it is the sender's content)."""
    mail = inbound_email_get_for_user(actor, pk, with_raw=True)
    response = HttpResponse(bytes(mail.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="{mail_filename(mail)}"'  # ASCII by construction
    response["Cache-Control"] = "private, no-store"
    return response


@desk_view
def mail_text(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The mail's full text with the quoted history: a fragment for the disclosure, plain text without htmx."""
    mail = inbound_email_get_for_user(actor, pk, with_raw=True)
    text = mail_full_text(mail)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "workspace/mail/_text.html", {"text": text})
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@desk_view
@require_POST
def mail_release_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    mail = inbound_email_get_for_user(actor, pk)
    done = _("Released: the mail is being processed.")
    return _act(request, actor, mail, lambda: inbound_email_release(actor=actor, inbound=mail), done)


@desk_view
@require_POST
def mail_not_spam_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    mail = inbound_email_get_for_user(actor, pk)
    done = _("Marked as not spam.")
    return _act(request, actor, mail, lambda: inbound_email_not_spam(actor=actor, inbound=mail), done)


@desk_view
@require_POST
def ticket_spam_view(request: HttpRequest, actor: Actor, number: int) -> HttpResponse:
    ticket = ticket_get_for_user(actor, number)
    try:
        ticket_mark_spam(ticket=ticket, actor=actor)
    except ServiceError as error:
        return ticket_response(request, actor, number, status=error.status, header_error=error.message)
    return ticket_response(request, actor, number, done=_("Marked as spam."))


def _act(request: HttpRequest, actor: Actor, mail: InboundEmail, call: Callable[[], object], done: str) -> HttpResponse:
    """One service call on a mail: htmx gets the row re-rendered with the outcome, a plain form a redirect."""
    error, status = "", 200
    try:
        call()
    except ServiceError as refused:
        error, status = refused.message, refused.status if refused.status in SWAPPED else 409
    try:  # read again: the worker may have processed the released mail already
        mail = inbound_email_get_for_user(actor, mail.pk)
    except NotFound:  # it became part of a ticket outside the agent's scope: show the row as it was
        pass
    tab = mail_tab(request.POST.get("tab", ""))
    if request.htmx:  # type: ignore[attr-defined]
        context = {"mail": mail, "tab": tab, "done": "" if error else done, "error": error}
        return render(request, "workspace/mail/_row.html", context, status=status)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(f"{reverse('workspace-mail')}?tab={tab.key}")
