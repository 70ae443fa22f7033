"""The only code that writes tickets (STYLE.md rule 1): `ticket_<verb>(*, ...)`, one transaction, one event."""

from otvet.tickets.services.assignment import ticket_assign, ticket_claim, ticket_release, ticket_transfer
from otvet.tickets.services.attachments import attachment_upload
from otvet.tickets.services.intake import ticket_open
from otvet.tickets.services.messages import ticket_add_note, ticket_reply
from otvet.tickets.services.rating import ticket_rate
from otvet.tickets.services.tags import ticket_tag
from otvet.tickets.services.workflow import (
    ticket_change_status,
    ticket_reopen,
    ticket_resolve,
    ticket_update_fields,
)

__all__ = [
    "attachment_upload",
    "ticket_add_note",
    "ticket_assign",
    "ticket_change_status",
    "ticket_claim",
    "ticket_open",
    "ticket_rate",
    "ticket_release",
    "ticket_reopen",
    "ticket_reply",
    "ticket_resolve",
    "ticket_tag",
    "ticket_transfer",
    "ticket_update_fields",
]
