"""Saving many built tickets and replies at once (a batch of channel intake): the same rows as ticket_open and
ticket_reply write one by one, in a few statements."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from otvet.core.bulk import update_many
from otvet.tickets.models import Attachment, Message, Ticket
from otvet.tickets.services.common import events_save, link_attachments
from otvet.tickets.services.intake import NewTicket
from otvet.tickets.services.messages import NewReply


def tickets_save_many(opened: Sequence[NewTicket] = (), replied: Sequence[NewReply] = ()) -> None:
    """Save what ticket_build and reply_build prepared: the new tickets, every message with its files, the new
    state of the replied tickets, and every event (processed together by one job after the commit).

    The requesters must be saved. Files a channel built but did not save are created on their message; saved
    uploads are linked as ticket_open links them. Replies are applied in order, so several replies to one ticket
    (or a reply to a ticket opened in the same call) leave it as one reply after the other would.
    """
    drafts: list[NewTicket | NewReply] = [*opened, *replied]
    if not drafts:
        return
    # All or nothing, without a savepoint of its own when called inside a transaction (a batch's): a failure then
    # fails the caller's block, which decides what to do.
    with transaction.atomic(savepoint=False):
        Ticket.objects.bulk_create([new.ticket for new in opened])
        # Openings first, then replies: each ticket's messages and events keep the order they were built in.
        Message.objects.bulk_create([draft.message for draft in drafts])
        files: list[Attachment] = []
        for draft in drafts:
            uploaded = [a for a in draft.attachments if a.pk is not None]
            link_attachments(draft.message, uploaded, draft.author)
            for attachment in draft.attachments:
                if attachment.pk is None:
                    attachment.message = draft.message
                    files.append(attachment)
        Attachment.objects.bulk_create(files)
        inserted = {id(new.ticket) for new in opened}  # their INSERT already carried what later replies moved
        moved: dict[int, Ticket] = {}
        fields: set[str] = set()
        for reply in replied:
            if id(reply.ticket) not in inserted:
                moved[id(reply.ticket)] = reply.ticket
                fields.update(reply.fields)
        # The union of the fields is safe: the tickets are locked and fully loaded, so the other values are current.
        update_many(list(moved.values()), sorted(fields))
        events_save([draft.event for draft in drafts])
