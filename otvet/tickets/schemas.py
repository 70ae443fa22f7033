"""API shapes of tickets, messages, events and the vocabularies; inputs derive from InputSchema."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.urls import reverse
from django.utils.translation import gettext as _
from pydantic import Field

from otvet.accounts.schemas import AgentRef
from otvet.api.schemas import MAX_ID, InputSchema, OutSchema, PageQuery
from otvet.customers.schemas import CompanyRef, ContactRef
from otvet.tickets.choices import (
    AlertType,
    AuthorKind,
    Channel,
    EventKind,
    MessageKind,
    Priority,
    ResponsePreference,
    StatusCategory,
    TicketKind,
)

MAX_BODY_CHARS = 200_000


def body_field() -> Any:
    return Field(min_length=1, max_length=MAX_BODY_CHARS)


def html_field() -> Any:
    return Field("", max_length=MAX_BODY_CHARS, description="Optional HTML; sanitized before it is stored.")


AttachmentId = Annotated[int, Field(ge=1, le=MAX_ID)]


def attachments_field() -> Any:
    return Field(default_factory=list, max_length=20, description="Ids from POST /attachments, uploaded by you.")


# --- vocabularies ---------------------------------------------------------------------------------------------


class StatusOut(OutSchema):
    code: str
    category: StatusCategory
    name: str = Field(description="The agents' label.")
    customer_name: str = Field(description="The label customers see.")


class LineOut(OutSchema):
    code: str
    name: str


class CriticalityOut(OutSchema):
    code: str
    name: str


class CategoryOut(OutSchema):
    id: int
    name: str
    parent: int | None

    @staticmethod
    def resolve_parent(obj: Any) -> int | None:
        return obj.parent_id


class RatingMarkOut(OutSchema):
    code: str
    name: str
    score: int


# --- tickets ----------------------------------------------------------------------------------------------------


class TicketOut(OutSchema):
    """A ticket as its customers see it: no line, assignee or priority."""

    number: int
    subject: str
    kind: TicketKind
    alert_type: AlertType | None
    status: StatusOut
    criticality: CriticalityOut | None
    category: CategoryOut | None
    company: CompanyRef | None
    requester: ContactRef
    channel: Channel
    response_preference: ResponsePreference
    created_at: dt.datetime
    updated_at: dt.datetime
    waiting_since: dt.datetime
    first_response_at: dt.datetime | None
    last_customer_message_at: dt.datetime | None
    last_agent_message_at: dt.datetime | None
    last_interaction_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_alert_type(obj: Any) -> str | None:
        return obj.alert_type or None


class TicketAgentOut(TicketOut):
    """A ticket as support sees it."""

    priority: Priority
    priority_reason: str
    line: LineOut
    assignee: AgentRef | None
    claimed_at: dt.datetime | None
    status_changed_at: dt.datetime


TicketView = TicketAgentOut | TicketOut


class TicketPage(OutSchema):
    items: list[TicketAgentOut | TicketOut]
    next: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class TicketQuery(PageQuery):
    status: str | None = Field(None, max_length=40, description="A status code, e.g. `in_progress`.")
    status_category: StatusCategory | None = None
    open: bool | None = Field(None, description="Only open (true) or finished (false) tickets.")
    line: str | None = Field(None, max_length=40, description="A line code (agents).")
    assignee: str | None = Field(
        None, pattern=r"^(me|none|[1-9][0-9]{0,17})$", description="An agent id, `me` or `none` (agents)."
    )
    company: int | None = Field(None, ge=1, le=MAX_ID)
    priority: Priority | None = Field(None, description="Agents.")
    channel: Channel | None = None
    q: str | None = Field(None, max_length=500, description="Full-text search in subjects and messages.")
    ordering: Literal["queue", "updated"] | None = Field(
        None,
        description="`queue` (the default without `q`): by priority, then longest waiting (with `open=true` the "
        "queue indexes serve it); `updated` (the default with `q`): most recently updated first.",
    )


class TicketCreateIn(InputSchema):
    subject: str = Field(min_length=1, max_length=255)
    body: str = body_field()
    body_html: str = html_field()
    category: int | None = Field(None, ge=1, le=MAX_ID)
    criticality: str | None = Field(None, max_length=40, description="A criticality code, e.g. `high`.")
    response_preference: ResponsePreference = ResponsePreference.PORTAL
    attachments: list[AttachmentId] = attachments_field()
    requester: int | None = Field(None, ge=1, le=MAX_ID, description="Agents: the contact the ticket is for.")
    channel: Channel | None = Field(None, description="Agents: where the request came from, e.g. `phone`.")
    priority: Priority | None = Field(None, description="Agents.")
    kind: TicketKind = Field(TicketKind.REQUEST, description="Agents may send a system alert.")
    alert_type: AlertType | None = Field(None, description="Required for a system alert.")


class TicketPatchIn(InputSchema):
    """Only the fields sent change; customers may change `response_preference` only."""

    subject: str | None = Field(None, min_length=1, max_length=255)
    status: str | None = Field(None, max_length=40, description="A status code.")
    assignee: int | None = Field(None, ge=1, le=MAX_ID, description="An agent id; null unassigns.")
    priority: Priority | None = None
    criticality: str | None = Field(None, max_length=40, description="A criticality code; null clears it.")
    category: int | None = Field(None, ge=1, le=MAX_ID, description="A category id; null clears it.")
    response_preference: ResponsePreference | None = None


# --- messages, attachments, events ---------------------------------------------------------------------------


class AttachmentOut(OutSchema):
    id: int
    filename: str
    content_type: str
    size: int
    url: str = Field(description="Download link for a signed-in browser session.")
    api_url: str = Field(description="Download link for API clients (bearer token): GET /api/v1/attachments/{id}.")

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("attachment-download", args=[obj.pk, obj.filename])

    @staticmethod
    def resolve_api_url(obj: Any) -> str:
        return reverse("api:attachment_download", args=[obj.pk])


class AuthorOut(OutSchema):
    kind: AuthorKind
    name: str


def _author_name(kind: str, user: Any, contact: Any) -> str:
    if kind == AuthorKind.CUSTOMER and contact is not None:
        return str(contact)
    if user is not None:
        return str(user)
    return _("System") if kind == AuthorKind.SYSTEM else ""


class MessageOut(OutSchema):
    id: int
    kind: MessageKind
    author: AuthorOut
    channel: Channel
    body_text: str
    body_html: str
    created_at: dt.datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_author(obj: Any) -> dict[str, str]:
        name = _author_name(obj.author_kind, obj.author_user, obj.author_contact)
        return {"kind": obj.author_kind, "name": name}


class MessagePage(OutSchema):
    items: list[MessageOut]
    next: str | None


class MessageCreateIn(InputSchema):
    kind: Literal["reply", "note"] = Field("reply", description="Customers can only reply.")
    body: str = body_field()
    body_html: str = html_field()
    attachments: list[AttachmentId] = attachments_field()
    status: str | None = Field(None, max_length=40, description="Agents: move the ticket to this status as well.")


class EventOut(OutSchema):
    id: int
    kind: EventKind
    actor: AuthorOut
    changes: dict[str, Any] = Field(description="field -> [old, new]")
    note: str
    message: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_actor(obj: Any) -> dict[str, str]:
        return {"kind": obj.actor_kind, "name": _author_name(obj.actor_kind, obj.actor, None)}

    @staticmethod
    def resolve_message(obj: Any) -> int | None:
        return obj.message_id


class EventPage(OutSchema):
    items: list[EventOut]
    next: str | None


# --- actions ----------------------------------------------------------------------------------------------------


class ClaimIn(InputSchema):
    force: bool = Field(False, description="Supervisors: take the ticket over from another agent.")


class TransferIn(InputSchema):
    line: str = Field(max_length=40, description="The code of the line to pass the ticket to.")
    note: str = Field("", max_length=MAX_BODY_CHARS, description="An internal note for the next line.")


class ResolveIn(InputSchema):
    body: str = body_field()
    body_html: str = html_field()
    attachments: list[AttachmentId] = attachments_field()


class RateIn(InputSchema):
    mark: str = Field(max_length=40, description="A rating mark code, e.g. `satisfied`.")
    comment: str = Field("", max_length=5000)
    message: int | None = Field(None, ge=1, le=MAX_ID, description="The rated reply (default: the last one).")


class RatingOut(OutSchema):
    mark: RatingMarkOut
    comment: str
    message: int | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_message(obj: Any) -> int | None:
        return obj.message_id
