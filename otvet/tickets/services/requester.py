"""Changing whom a ticket is for: one ticket, or every ticket of a contact merged into another."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from otvet.core import clock
from otvet.core.errors import InvalidInput
from otvet.customers.models import Contact
from otvet.tickets.access import Actor
from otvet.tickets.choices import EventKind
from otvet.tickets.models import Ticket
from otvet.tickets.services.common import event_build, events_save, lock, record_event, require_agent


def ticket_change_requester(*, ticket: Ticket, actor: Actor, requester: Contact) -> Ticket:
    """Make `requester` the ticket's requester; the ticket follows them into their company when it had none or
    the old requester's."""
    require_agent(actor)
    with transaction.atomic():
        ticket = lock(ticket)
        old_company = Contact.objects.filter(pk=ticket.requester_id).values_list("company_id", flat=True).first()
        changes = _move(ticket, requester, old_company)
        if not changes:
            return ticket
        ticket.updated_at = clock.now()
        ticket.save(update_fields=[*changes, "updated_at"])
        record_event(ticket, EventKind.FIELDS_CHANGED, actor, changes=changes)
    return ticket


def tickets_change_requester(*, actor: Actor, old: Contact, new: Contact, note: str = "") -> list[int]:
    """Move every ticket of `old` to `new` (a contact merge): rows locked, one event each, saved together; the
    numbers of the moved tickets are returned. Call inside the caller's transaction."""
    require_agent(actor)
    if old.pk == new.pk:
        raise InvalidInput.field("requester", _("The ticket already belongs to this contact."))
    now = clock.now()
    tickets = list(Ticket.objects.select_for_update(of=("self",)).filter(requester=old).order_by("pk"))
    events = []
    for ticket in tickets:
        changes = _move(ticket, new, old.company_id)
        ticket.updated_at = now
        events.append(event_build(ticket, EventKind.FIELDS_CHANGED, actor, changes=changes, note=note))
    Ticket.objects.bulk_update(tickets, ["requester", "company", "updated_at"], batch_size=500)
    events_save(events)
    return [ticket.pk for ticket in tickets]


def _move(ticket: Ticket, requester: Contact, old_company: int | None) -> dict[str, list[int | None]]:
    """Set the requester (and the company that came with the old one) in memory; the changes for the event."""
    if ticket.requester_id == requester.pk:
        return {}
    changes: dict[str, list[int | None]] = {"requester": [ticket.requester_id, requester.pk]}
    if ticket.company_id in (None, old_company) and ticket.company_id != requester.company_id:
        changes["company"] = [ticket.company_id, requester.company_id]
        ticket.company_id = requester.company_id
    ticket.requester = requester
    return changes
