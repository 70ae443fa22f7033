"""The requester's rating of how a ticket was handled."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from otvet.core import clock
from otvet.core.errors import Conflict, InvalidInput, PermissionDenied
from otvet.tickets.access import Actor
from otvet.tickets.choices import AuthorKind, EventKind, MessageKind, StatusCategory
from otvet.tickets.models import Message, Rating, RatingMark, Ticket
from otvet.tickets.services.common import lock, record_event

MAX_COMMENT_CHARS = 5000


def ticket_rate(
    *, ticket: Ticket, actor: Actor, mark: RatingMark, comment: str = "", message: Message | None = None
) -> Rating:
    """Rate a solved ticket; the rating goes to the agent who wrote the rated reply (ratings pay bonuses).

    Without `message`, the rated reply is the last public reply from an agent. Rating again replaces the mark.
    """
    if actor.contact is None or actor.contact.pk != ticket.requester_id:
        raise PermissionDenied(_("Only the requester rates a request."))
    if not mark.is_active:
        raise InvalidInput.field("mark", _("This mark is not available."))
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise InvalidInput.field(
            "comment", _("The comment is longer than %(n)s characters.") % {"n": MAX_COMMENT_CHARS}
        )
    now = clock.now()
    with transaction.atomic():
        ticket = lock(ticket)
        if ticket.status.category not in (StatusCategory.SOLVED, StatusCategory.CLOSED):
            raise Conflict(_("A request can be rated once it is solved."), code="not_solved")
        agent_replies = Message.objects.filter(
            ticket=ticket, kind=MessageKind.REPLY, author_kind=AuthorKind.AGENT
        ).select_related("author_user__agent")
        rated = (
            agent_replies.filter(pk=message.pk).first()
            if message
            else agent_replies.order_by("-created_at", "-id").first()
        )
        if message is not None and rated is None:
            raise InvalidInput.field("message", _("Choose a reply from support on this request."))
        agent = getattr(rated.author_user, "agent", None) if rated and rated.author_user else None
        rating = Rating.objects.filter(ticket=ticket).first()
        old_mark = rating.mark.code if rating else None
        if rating is None:
            rating = Rating(ticket=ticket, contact=actor.contact, created_at=now)
        rating.mark, rating.comment, rating.message, rating.agent, rating.updated_at = (
            mark,
            comment,
            rated,
            agent,
            now,
        )
        rating.save()
        record_event(
            ticket,
            EventKind.RATED,
            actor,
            message=rated,
            changes={"rating": [old_mark, mark.code]},
            note=comment,
        )
    return rating
