"""Who sees which inbound mail (DESIGN.md §5): the channel layer's reads that involve permissions.

Mail follows its ticket: whoever may see the ticket may read the mail that became part of it. Mail that made no
ticket (held: ignored, duplicate, rate limited, failed; or spam) belongs to the platform's support staff, never to a
partner's agents, who could otherwise read mail meant for other partners or for the platform. Customers see none.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from otvet.connectors.models import InboundEmail
from otvet.core.errors import NotFound
from otvet.tickets.access import Actor, ticket_scope, tickets_visible_to


def inbound_emails_visible_to(actor: Actor) -> QuerySet[InboundEmail]:
    """Every inbound mail `actor` may read: all for the platform's supervisors, admins and the system."""
    mails = InboundEmail.objects.all()
    if actor.agent is None:
        return mails if actor.is_system else mails.none()
    if ticket_scope(actor) is None:
        return mails
    # A subquery on the ticket scope rather than a join: the scope already is one (see ticket_scope).
    in_scope = Q(ticket_id__in=tickets_visible_to(actor).values("pk"))
    if actor.agent.partner_id is not None:
        return mails.filter(in_scope)
    return mails.filter(in_scope | Q(ticket__isnull=True))


def inbound_email_get_for_user(actor: Actor, pk: int, *, with_raw: bool = False) -> InboundEmail:
    """The inbound mail with this id if `actor` may read it, else NotFound; the raw bytes only when asked for."""
    mails = inbound_emails_visible_to(actor).select_related("mailbox")
    if not with_raw:
        mails = mails.defer("raw")
    mail = mails.filter(pk=pk).first()
    if mail is None:
        raise NotFound(_("Mail not found."))
    return mail
