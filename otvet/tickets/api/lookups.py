"""Turning the codes and ids a client sends into the objects services take; an unknown one is a 422 on its field."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from otvet.accounts.models import Agent
from otvet.core.errors import InvalidInput
from otvet.customers.models import Contact
from otvet.tickets.access import Actor, contacts_visible_to, lines_visible_to, messages_visible_to
from otvet.tickets.models import Attachment, Category, Criticality, Line, Message, RatingMark, Status, Ticket


def status_by_code(code: str | None, field: str = "status") -> Status:
    status = Status.objects.filter(code=code, is_active=True).first() if code else None
    if status is None:
        raise InvalidInput.field(field, _("Unknown status."))
    return status


def line_by_code(actor: Actor, code: str, field: str = "line") -> Line:
    line = lines_visible_to(actor).filter(code=code).first()
    if line is None:
        raise InvalidInput.field(field, _("Unknown line."))
    return line


def criticality_by_code(code: str | None, field: str = "criticality") -> Criticality | None:
    if code is None:
        return None
    criticality = Criticality.objects.filter(code=code).first()
    if criticality is None:
        raise InvalidInput.field(field, _("Unknown criticality."))
    return criticality


def category_by_id(pk: int | None, field: str = "category") -> Category | None:
    if pk is None:
        return None
    category = Category.objects.filter(pk=pk).first()
    if category is None:
        raise InvalidInput.field(field, _("Unknown category."))
    return category


def agent_by_id(pk: int | None, field: str = "assignee") -> Agent | None:
    if pk is None:
        return None
    agent = Agent.objects.select_related("user").filter(pk=pk, is_active=True).first()
    if agent is None:
        raise InvalidInput.field(field, _("Unknown agent."))
    return agent


def contact_by_id(actor: Actor, pk: int, field: str = "requester") -> Contact:
    contact = contacts_visible_to(actor).select_related("company__partner").filter(pk=pk).first()
    if contact is None:
        raise InvalidInput.field(field, _("Unknown contact."))
    return contact


def rating_mark_by_code(code: str, field: str = "mark") -> RatingMark:
    mark = RatingMark.objects.filter(code=code).first()
    if mark is None:
        raise InvalidInput.field(field, _("Unknown rating mark."))
    return mark


def message_on(actor: Actor, ticket: Ticket, pk: int | None, field: str = "message") -> Message | None:
    if pk is None:
        return None
    message = messages_visible_to(actor, ticket).filter(pk=pk).first()
    if message is None:
        raise InvalidInput.field(field, _("Unknown message on this ticket."))
    return message


def attachments_by_ids(ids: Sequence[int], field: str = "attachments") -> list[Attachment]:
    """The uploads named by id; that they are the caller's and unused is checked by the service that links them."""
    if not ids:
        return []
    attachments = list(Attachment.objects.filter(pk__in=set(ids)))
    if len(attachments) != len(set(ids)):
        raise InvalidInput.field(field, _("An attachment is unknown, not yours, or already used."))
    return attachments
