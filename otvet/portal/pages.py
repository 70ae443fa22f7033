"""What the portal's pages need besides the service call: the actor check and the request page context."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from otvet.tickets.access import Actor, actor_for_user, messages_visible_to
from otvet.tickets.choices import StatusCategory
from otvet.tickets.models import Rating, Ticket


def customer_actor(request: HttpRequest) -> Actor:
    """The signed-in customer; agents use the workspace, so the portal is a 404 for anyone without a contact."""
    actor = actor_for_user(request.user)  # type: ignore[arg-type]
    if actor.contact is None:
        raise Http404
    return actor


def request_page_context(actor: Actor, ticket: Ticket, **extra: Any) -> dict[str, Any]:
    """The public conversation, the reply form and the rating block of one request; a fixed number of queries."""
    from otvet.portal.forms import RatingForm, ReplyForm

    conversation = (
        messages_visible_to(actor, ticket)
        .select_related("author_user", "author_contact")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )
    category = ticket.status.category
    rating = Rating.objects.filter(ticket=ticket).select_related("mark").first()
    may_rate = category in (StatusCategory.SOLVED, StatusCategory.CLOSED) and ticket.requester_id == actor.contact.pk  # type: ignore[union-attr]
    context: dict[str, Any] = {
        "ticket": ticket,
        "conversation": conversation,
        "rating": rating,
        "may_rate": may_rate,
        "may_reply": category != StatusCategory.CLOSED,
        "is_solved": category == StatusCategory.SOLVED,
        "reply_form": ReplyForm(),
        "rating_form": RatingForm(initial={"mark": rating.mark_id if rating else None}),
        "kept": [],
        "upload_error": "",
    }
    context.update(extra)
    return context
