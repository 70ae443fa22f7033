"""A ticket's conversation (replies and internal notes), its timeline of events, and file uploads."""

from __future__ import annotations

from django.db import transaction
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, UploadedFile
from ninja.responses import Status

from otvet.api.auth import request_actor
from otvet.api.errors import responses
from otvet.api.schemas import PageQuery
from otvet.core.errors import InvalidInput, NotFound
from otvet.core.pagination import paginate
from otvet.tickets.access import events_visible_to, messages_visible_to, ticket_get_for_user
from otvet.tickets.api.common import files_param, number_param
from otvet.tickets.api.lookups import attachments_by_ids, status_by_code
from otvet.tickets.choices import MessageKind
from otvet.tickets.schemas import AttachmentOut, EventOut, EventPage, MessageCreateIn, MessageOut, MessagePage
from otvet.tickets.selectors import attachment_get_for_user
from otvet.tickets.services import attachment_upload, ticket_add_note, ticket_reply
from otvet.tickets.services.common import require_agent
from otvet.tickets.views import attachment_response

router = Router(tags=["messages"])

# Parameter defaults built once per module (ninja reads them when the route is declared).
FILES = files_param()

TIMELINE = ("created_at", "id")


@router.get("/tickets/{number}/messages", response=responses({200: MessagePage}))
def messages_list(request: HttpRequest, query: Query[PageQuery], number: int = number_param()) -> MessagePage:
    """The conversation, oldest first; customers never receive internal notes."""
    actor = request_actor(request)
    ticket = ticket_get_for_user(actor, number)
    messages = (
        messages_visible_to(actor, ticket)
        .select_related("author_user", "author_contact")
        .prefetch_related("attachments")
    )
    page = paginate(messages, TIMELINE, query.cursor, query.limit)
    return MessagePage(items=[MessageOut.from_orm(message) for message in page.items], next=page.next_cursor)


@router.post("/tickets/{number}/messages", response=responses({201: MessageOut}))
def message_create(
    request: HttpRequest,
    payload: Form[MessageCreateIn],
    files: list[UploadedFile] = FILES,
    number: int = number_param(),
) -> Status:
    """A public reply (anyone who sees the ticket) or an internal note (support only); JSON or multipart."""
    actor = request_actor(request)
    ticket = ticket_get_for_user(actor, number)
    status = None
    if payload.status is not None:
        require_agent(actor)  # before the lookup: a customer is refused, not told the status is unknown
        if payload.kind == MessageKind.NOTE:
            raise InvalidInput.field("status", _("A note does not change the status; send a reply."))
        status = status_by_code(payload.status)
    attachments = attachments_by_ids(payload.attachments)
    with transaction.atomic():  # an upload is rolled back with a message that is refused
        attachments += [attachment_upload(actor=actor, file=file) for file in files or ()]
        if payload.kind == MessageKind.NOTE:
            message = ticket_add_note(
                ticket=ticket, actor=actor, body=payload.body, body_html=payload.body_html, attachments=attachments
            )
        else:
            message = ticket_reply(
                ticket=ticket,
                actor=actor,
                body=payload.body,
                body_html=payload.body_html,
                attachments=attachments,
                status=status,
            )
    return Status(201, MessageOut.from_orm(message))


@router.get("/tickets/{number}/events", response=responses({200: EventPage}))
def events_list(request: HttpRequest, query: Query[PageQuery], number: int = number_param()) -> EventPage:
    """The timeline of changes, oldest first: support only (customers get a 404, as for anything out of scope)."""
    actor = request_actor(request)
    ticket = ticket_get_for_user(actor, number)
    if not actor.sees_internal:
        raise NotFound(_("Not found."))
    events = events_visible_to(actor, ticket).select_related("actor")
    page = paginate(events, TIMELINE, query.cursor, query.limit)
    return EventPage(items=[EventOut.from_orm(event) for event in page.items], next=page.next_cursor)


@router.get("/attachments/{attachment_id}", response=responses({200: None}), url_name="attachment_download")
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    """Download a file of a message you may read (or your own upload not yet sent); anything else is a 404."""
    attachment = attachment_get_for_user(request.auth, attachment_id)  # type: ignore[attr-defined]
    if attachment is None:
        raise NotFound(_("Not found."))
    return attachment_response(attachment)


@router.post("/attachments", response=responses({201: AttachmentOut}))
def attachment_create(request: HttpRequest, file: File[UploadedFile]) -> Status:
    """Upload a file; pass its id in `attachments` when you open a ticket or write a message."""
    attachment = attachment_upload(actor=request_actor(request), file=file)
    return Status(201, AttachmentOut.from_orm(attachment))
