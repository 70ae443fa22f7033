"""The customer's requests: list, new, conversation, reply, rating. Each action is one service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otvet.core.errors import NotFound, ServiceError
from otvet.core.pagination import paginate
from otvet.portal.forms import RatingForm, ReplyForm, RequestForm
from otvet.portal.pages import customer_actor, request_page_context
from otvet.tickets.access import Actor, ticket_get_for_user
from otvet.tickets.choices import Channel
from otvet.tickets.filters import ORDERINGS, TicketFilter, tickets_filtered
from otvet.tickets.models import Attachment, Status, Ticket
from otvet.tickets.services import ticket_open, ticket_rate, ticket_reply
from otvet.tickets.uploads import uploads_from_request

PAGE_SIZE = 20
SORTS = ("updated", "newest", "oldest")


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    actor = customer_actor(request)
    sort = request.GET.get("sort") or "updated"
    sort = sort if sort in SORTS else "updated"
    company_view = bool(actor.contact and actor.contact.is_company_admin and request.GET.get("scope") == "company")
    wanted = TicketFilter(
        mine=not company_view, statuses=[s for s in [request.GET.get("status", "")] if s], q=request.GET.get("q", "")
    )
    tickets = tickets_filtered(actor, wanted).select_related("status", "requester")
    try:
        page = paginate(tickets, ORDERINGS[sort], request.GET.get("cursor") or None, PAGE_SIZE)
    except ServiceError:
        return redirect("portal-requests")
    context = {
        "page": page,
        "statuses": Status.objects.filter(is_active=True),
        "sort": sort,
        "company_view": company_view,
        "is_company_admin": bool(actor.contact and actor.contact.is_company_admin),
        "query": request.GET.get("q", ""),
        "status": request.GET.get("status", ""),
    }
    more = bool(request.htmx and request.GET.get("cursor"))  # type: ignore[attr-defined]
    template = "portal/_request_rows.html" if more else "portal/requests.html"
    return render(request, template, context)


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    actor = customer_actor(request)
    form = RequestForm(request.POST or None)
    kept: list[Attachment] = []
    upload_error = ""
    if request.method == "POST":
        kept, upload_error = uploads_from_request(request, actor)
        if form.is_valid() and not upload_error:
            try:
                with transaction.atomic():
                    ticket = ticket_open(
                        actor=actor,
                        requester=actor.contact,  # type: ignore[arg-type]
                        subject=form.cleaned_data["subject"],
                        body=form.cleaned_data["body"],
                        channel=Channel.PORTAL,
                        category=form.cleaned_data["category"],
                        criticality=form.cleaned_data["criticality"],
                        response_preference=form.cleaned_data["response_preference"],
                        attachments=kept,
                    )
            except ServiceError as error:
                for name, message in (error.fields or {"__all__": error.message}).items():
                    form.add_error(name if name in form.fields else None, message)
            else:
                messages.success(
                    request, _("Request #%(number)s is open. We will answer soon.") % {"number": ticket.pk}
                )
                return redirect("portal-request", number=ticket.pk)
    return render(request, "portal/request_new.html", {"form": form, "kept": kept, "upload_error": upload_error})


@login_required
def request_detail(request: HttpRequest, number: int) -> HttpResponse:
    actor = customer_actor(request)
    return render(request, "portal/request.html", request_page_context(actor, _ticket(actor, number)))


@require_POST
@login_required
def request_reply(request: HttpRequest, number: int) -> HttpResponse:
    actor = customer_actor(request)
    ticket = _ticket(actor, number)
    form = ReplyForm(request.POST)
    kept, upload_error = uploads_from_request(request, actor)
    if form.is_valid() and not upload_error:
        try:
            ticket_reply(ticket=ticket, actor=actor, body=form.cleaned_data["body"], attachments=kept)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            return redirect("portal-request", number=number)
    context = request_page_context(actor, ticket, reply_form=form, kept=kept, upload_error=upload_error)
    return render(request, "portal/request.html", context, status=422)


@require_POST
@login_required
def request_rate(request: HttpRequest, number: int) -> HttpResponse:
    actor = customer_actor(request)
    ticket = _ticket(actor, number)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            ticket_rate(
                ticket=ticket, actor=actor, mark=form.cleaned_data["mark"], comment=form.cleaned_data["comment"]
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you for your rating!"))
            return redirect("portal-request", number=number)
    return render(request, "portal/request.html", request_page_context(actor, ticket, rating_form=form), status=422)


def _ticket(actor: Actor, number: int) -> Ticket:
    try:
        return ticket_get_for_user(actor, number)
    except NotFound as error:
        raise Http404 from error
