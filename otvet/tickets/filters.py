"""Ticket lists: one filter and the orderings the indexes serve, shared by the portal, the workspace and the API."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from otvet.search.services import tickets_matching
from otvet.tickets.access import Actor, tickets_visible_to
from otvet.tickets.models import Criticality, Line, Status, Ticket

ORDERINGS: dict[str, tuple[str, ...]] = {
    "queue": ("-priority", "waiting_since", "number"),  # the agents' queues: most urgent, then longest waiting
    "updated": ("-updated_at", "-number"),
    "newest": ("-number",),
    "oldest": ("number",),
}


@dataclass
class TicketFilter:
    """What a list asks for; every field narrows the actor's visible tickets."""

    mine: bool = False  # customers: only tickets they requested (company admins see the company otherwise)
    statuses: list[str] = field(default_factory=list)  # status codes
    status_category: str = ""
    is_open: bool | None = None  # True: still being worked; False: solved or closed
    unanswered: bool = False  # no public reply from support yet («Новые»)
    line: str = ""  # line code
    assignee: str = ""  # "me", "none" or an agent id
    company: int | None = None
    priority: int | None = None
    criticality: str = ""
    category: int | None = None
    channel: str = ""
    q: str = ""


def tickets_filtered(actor: Actor, wanted: TicketFilter) -> QuerySet[Ticket]:
    """The tickets `actor` may see that match `wanted` (unknown codes simply match nothing)."""
    tickets = tickets_visible_to(actor)
    if wanted.mine and actor.contact is not None:
        tickets = tickets.filter(requester=actor.contact)
    # Codes of the small vocabularies are turned into ids first: the ticket query stays join-free, so its
    # indexes serve it (see ORDERINGS) and PostgreSQL plans it cheaply at millions of rows.
    if wanted.statuses:
        tickets = tickets.filter(status_id__in=_ids(Status.objects.filter(code__in=wanted.statuses)))
    if wanted.status_category:
        tickets = tickets.filter(status_id__in=_ids(Status.objects.filter(category=wanted.status_category)))
    if wanted.is_open is not None:
        tickets = tickets.filter(is_open=wanted.is_open)
    if wanted.unanswered:
        tickets = tickets.filter(first_response_at__isnull=True)
    if wanted.line:
        tickets = tickets.filter(line_id__in=_ids(Line.objects.filter(code=wanted.line)))
    if wanted.assignee == "me":
        tickets = tickets.filter(assignee=actor.agent) if actor.agent else tickets.none()
    elif wanted.assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif wanted.assignee.isdigit():
        tickets = tickets.filter(assignee_id=int(wanted.assignee))
    if wanted.company is not None:
        tickets = tickets.filter(company_id=wanted.company)
    if wanted.priority is not None:
        tickets = tickets.filter(priority=wanted.priority)
    if wanted.criticality:
        tickets = tickets.filter(criticality_id__in=_ids(Criticality.objects.filter(code=wanted.criticality)))
    if wanted.category is not None:
        tickets = tickets.filter(category_id=wanted.category)
    if wanted.channel:
        tickets = tickets.filter(channel=wanted.channel)
    if wanted.q.strip():
        tickets = tickets_matching(tickets, wanted.q, include_internal=actor.sees_internal)
    return tickets


def _ids(rows: QuerySet) -> list[int]:
    return list(rows.values_list("pk", flat=True))
