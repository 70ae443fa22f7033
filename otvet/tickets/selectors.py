"""Reads of the ticket domain that adapters share; permission scoping comes from access.py."""

from __future__ import annotations

from django.db.models import Q

from otvet.accounts.models import User
from otvet.tickets.access import actor_for_user, tickets_visible_to
from otvet.tickets.choices import MessageKind
from otvet.tickets.models import Attachment


def attachment_get_for_user(user: User, attachment_id: int) -> Attachment | None:
    """An attachment the user may download: on a message they may read, or their own unsent upload."""
    actor = actor_for_user(user)
    attachment = Attachment.objects.select_related("message").filter(pk=attachment_id).first()
    if attachment is None:
        return None
    if attachment.message is None:
        return attachment if attachment.uploaded_by_id == user.pk else None
    visible = tickets_visible_to(actor).filter(pk=attachment.message.ticket_id)
    if not actor.sees_internal:
        visible = visible.filter(Q(messages__pk=attachment.message_id, messages__kind=MessageKind.REPLY))
    return attachment if visible.exists() else None
