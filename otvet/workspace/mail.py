"""What the workspace shows of the email channel: the mail page's tabs and rows, and each message's mail and
deliveries on the ticket page, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from otvet.connectors.choices import InboundState
from otvet.connectors.email.parse import parse_email
from otvet.connectors.models import Delivery, InboundEmail
from otvet.connectors.selectors import inbound_emails_visible_to
from otvet.tickets.access import Actor

HELD, SPAM, ALL = "held", "spam", "all"
ORDERING = ("-received_at", "-id")  # newest first; the id breaks ties (keyset pagination needs a total order)
HELD_STATES = (InboundState.IGNORED, InboundState.DUPLICATE, InboundState.RATE_LIMITED, InboundState.FAILED)
# What the ticket page needs of a message's mail: never the raw bytes, which may be megabytes per message.
MESSAGE_MAIL_FIELDS = ("id", "message_id", "ticket_id", "mailbox_id", "received_at", "state", "sender")


@dataclass(frozen=True)
class MailTab:
    """One tab of the mail page: a named set of states (None: every state)."""

    key: str
    title: str | Promise
    description: str | Promise
    states: tuple[str, ...] | None


TABS = (
    MailTab(HELD, _("Held"), _("Mail that made no ticket: ignored, duplicate, rate limited or failed."), HELD_STATES),
    MailTab(SPAM, _("Spam"), _("Mail the spam filter stopped, with the words that decided it."), (InboundState.SPAM,)),
    MailTab(ALL, _("All"), _("Every mail received, newest first."), None),
)


def mail_tab(key: str) -> MailTab:
    """The tab named `key`; the first (held mail) for anything else."""
    return next((tab for tab in TABS if tab.key == key), TABS[0])


def mail_rows(actor: Actor, tab: MailTab) -> QuerySet[InboundEmail]:
    """The mail of a tab that `actor` may read, with its mailbox, without the raw bytes: one query per page."""
    mails = inbound_emails_visible_to(actor).select_related("mailbox").defer("raw")
    return mails if tab.states is None else mails.filter(state__in=tab.states)


def message_mail_prefetches(actor: Actor) -> tuple[Prefetch, Prefetch]:
    """Load each message's inbound mail (`message.mails`) and deliveries (`message.sent`): two queries in all."""
    mails = inbound_emails_visible_to(actor).only(*MESSAGE_MAIL_FIELDS).order_by("received_at", "id")
    deliveries = Delivery.objects.order_by("created_at", "id")
    return (
        Prefetch("inbound_emails", queryset=mails, to_attr="mails"),
        Prefetch("deliveries", queryset=deliveries, to_attr="sent"),
    )


def mail_full_text(mail: InboundEmail) -> str:
    """The mail's whole text as parsed, quoted history and signature included (messages keep only the reply)."""
    return parse_email(bytes(mail.raw)).text


def mail_filename(mail: InboundEmail) -> str:
    """A download name that is safe everywhere: ASCII, no path, no header-breaking characters."""
    return f"mail-{mail.received_at:%Y%m%d-%H%M%S}-{mail.pk}.eml"
