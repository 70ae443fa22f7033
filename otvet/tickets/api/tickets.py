"""Tickets: open, list (filters, search, keyset pages), read, and PATCH the fields a role may change."""

from __future__ import annotations

import contextlib
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Form, Query, Router, UploadedFile
from ninja.responses import Status

from otvet.api.auth import request_actor
from otvet.api.errors import responses
from otvet.core.errors import InvalidInput, PermissionDenied
from otvet.core.pagination import paginate
from otvet.customers.models import Contact
from otvet.tickets.access import Actor, ticket_get_for_user
from otvet.tickets.api.common import files_param, number_param, ticket_after_write, ticket_view, with_related
from otvet.tickets.api.lookups import (
    agent_by_id,
    attachments_by_ids,
    category_by_id,
    contact_by_id,
    criticality_by_code,
    status_by_code,
)
from otvet.tickets.choices import Channel, Priority, TicketKind
from otvet.tickets.filters import ORDERINGS, TicketFilter, tickets_filtered
from otvet.tickets.models import Ticket
from otvet.tickets.schemas import TicketAgentOut, TicketCreateIn, TicketOut, TicketPage, TicketPatchIn, TicketQuery
from otvet.tickets.services import (
    attachment_upload,
    ticket_assign,
    ticket_change_status,
    ticket_open,
    ticket_update_fields,
)
from otvet.tickets.services.workflow import CUSTOMER_FIELDS

router = Router(tags=["tickets"])

# Parameter defaults built once per module (ninja reads them when the route is declared).
FILES = files_param()

AGENT_FILTERS = ("line", "assignee", "priority")
AGENT_CREATE_FIELDS = ("requester", "channel", "priority", "alert_type")
NOT_NULL = ("subject", "status", "priority", "response_preference")
ONLY_STAFF = "Only support staff may use this field."


@router.post("/tickets", response=responses({201: TicketAgentOut | TicketOut}))
def ticket_create(request: HttpRequest, payload: Form[TicketCreateIn], files: list[UploadedFile] = FILES) -> Status:
    """Open a ticket. Send JSON, or a multipart form with `files` (uploaded and attached in the same step)."""
    actor = request_actor(request)
    requester = _requester(actor, payload)
    category = category_by_id(payload.category)
    criticality = criticality_by_code(payload.criticality)
    attachments = attachments_by_ids(payload.attachments)
    # Uploads are rolled back with a ticket that fails to open; without files ticket_open's own transaction is enough.
    with transaction.atomic() if files else contextlib.nullcontext():
        attachments += [attachment_upload(actor=actor, file=file) for file in files or ()]
        ticket = ticket_open(
            actor=actor,
            requester=requester,
            subject=payload.subject,
            body=payload.body,
            body_html=payload.body_html,
            channel=payload.channel or Channel.API,
            category=category,
            criticality=criticality,
            priority=payload.priority or Priority.NORMAL,
            response_preference=payload.response_preference,
            attachments=attachments,
            kind=payload.kind,
            alert_type=payload.alert_type or "",
        )
    # The service's own instance already holds what the output renders (status, line, requester, company):
    # no reload, which at millions of tickets cost more than the whole insert.
    return Status(201, ticket_view(actor, ticket))


@router.get("/tickets", response=responses({200: TicketPage}))
def tickets_list(request: HttpRequest, query: Query[TicketQuery]) -> TicketPage:
    """The tickets you may see, filtered, one keyset page at a time (follow `next`)."""
    actor = request_actor(request)
    tickets = with_related(_filtered(actor, query))
    page = paginate(tickets, ORDERINGS[_ordering(query)], query.cursor, query.limit)
    return TicketPage(items=[ticket_view(actor, ticket) for ticket in page.items], next=page.next_cursor)


@router.get("/tickets/{number}", response=responses({200: TicketAgentOut | TicketOut}))
def ticket_detail(request: HttpRequest, number: int = number_param()) -> TicketAgentOut | TicketOut:
    actor = request_actor(request)
    return ticket_view(actor, ticket_get_for_user(actor, number))


@router.patch("/tickets/{number}", response=responses({200: TicketAgentOut | TicketOut}))
def ticket_update(
    request: HttpRequest, payload: TicketPatchIn, number: int = number_param()
) -> TicketAgentOut | TicketOut:
    """Change status, assignee, priority, criticality, category, subject or response preference; all or nothing."""
    actor = request_actor(request)
    ticket = ticket_get_for_user(actor, number)
    values = {name: getattr(payload, name) for name in payload.model_fields_set}
    if not (actor.is_agent or actor.is_system):
        refused = {name: "Not allowed for your role." for name in values if name not in CUSTOMER_FIELDS}
        if refused:
            raise PermissionDenied(_("You may only change your response preference."), fields=refused)
    for name in NOT_NULL:
        if name in values and values[name] is None:
            raise InvalidInput.field(name, _("This field cannot be null."))
    fields = _field_values(values)
    status = status_by_code(values["status"]) if "status" in values else None
    assignee = agent_by_id(values["assignee"]) if "assignee" in values else None
    with transaction.atomic():  # several services, one outcome: a later refusal undoes the earlier changes
        if fields:
            ticket = ticket_update_fields(ticket=ticket, actor=actor, **fields)
        if status is not None:
            ticket = ticket_change_status(ticket=ticket, actor=actor, status=status)
        if "assignee" in values:
            ticket = ticket_assign(ticket=ticket, actor=actor, assignee=assignee)
    return ticket_view(actor, ticket_after_write(ticket.pk))


def _requester(actor: Actor, payload: TicketCreateIn) -> Contact:
    """Customers open tickets for themselves; agents name the contact (and may set channel, priority, alerts)."""
    if actor.is_agent:
        if payload.requester is None:
            raise InvalidInput.field("requester", _("Choose the contact the ticket is for."))
        return contact_by_id(actor, payload.requester)
    refused = {name: ONLY_STAFF for name in AGENT_CREATE_FIELDS if getattr(payload, name) is not None}
    if payload.kind != TicketKind.REQUEST:
        refused["kind"] = ONLY_STAFF
    if refused:
        raise PermissionDenied(_("Customers open requests for themselves."), fields=refused)
    if actor.contact is None:
        raise PermissionDenied(_("Your account is not linked to a customer contact."))
    return actor.contact


def _field_values(values: dict[str, Any]) -> dict[str, Any]:
    """The PATCH values ticket_update_fields takes, with codes and ids turned into objects."""
    fields: dict[str, Any] = {
        name: values[name] for name in ("subject", "priority", "response_preference") if name in values
    }
    if "criticality" in values:
        fields["criticality"] = criticality_by_code(values["criticality"])
    if "category" in values:
        fields["category"] = category_by_id(values["category"])
    return fields


def _filtered(actor: Actor, query: TicketQuery) -> QuerySet[Ticket]:
    if not actor.is_agent:
        refused = {name: ONLY_STAFF for name in AGENT_FILTERS if getattr(query, name) is not None}
        if refused:
            raise PermissionDenied(_("Customers cannot filter by internal fields."), fields=refused)
    wanted = TicketFilter(
        statuses=[query.status] if query.status else [],
        status_category=query.status_category or "",
        is_open=query.open,
        line=query.line or "",
        assignee=str(query.assignee or ""),
        company=query.company,
        priority=query.priority,
        channel=query.channel or "",
        q=query.q or "",
    )
    return tickets_filtered(actor, wanted)


def _ordering(query: TicketQuery) -> str:
    """A search defaults to newest activity first: any match can be anywhere in the queue order, and no index
    serves (priority, waiting) over every match, while `(-updated_at, -number)` stops after one page."""
    if query.ordering is None:
        return "updated" if query.q else "queue"
    return query.ordering
