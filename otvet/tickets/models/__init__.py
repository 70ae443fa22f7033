"""The ticket domain's models, one file per concept."""

from otvet.tickets.models.event import TicketEvent
from otvet.tickets.models.message import Attachment, Message
from otvet.tickets.models.rating import Rating, RatingMark
from otvet.tickets.models.saved_view import SavedView
from otvet.tickets.models.taxonomy import Category, Criticality, Line, Status, Tag
from otvet.tickets.models.ticket import Ticket

__all__ = [
    "Attachment",
    "Category",
    "Criticality",
    "Line",
    "Message",
    "Rating",
    "RatingMark",
    "SavedView",
    "Status",
    "Tag",
    "Ticket",
    "TicketEvent",
]
