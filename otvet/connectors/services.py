"""Writes of the channel layer that people trigger: releasing held mail."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from otvet.connectors.choices import InboundState
from otvet.connectors.models import InboundEmail
from otvet.core.errors import Conflict
from otvet.tickets.access import Actor
from otvet.tickets.services.common import require_agent

RELEASABLE = (
    InboundState.IGNORED,
    InboundState.SPAM,
    InboundState.DUPLICATE,
    InboundState.RATE_LIMITED,
    InboundState.FAILED,
)


def inbound_email_release(*, actor: Actor, inbound: InboundEmail) -> InboundEmail:
    """An agent overrules a hold (spam, duplicate, rate limit, ignored, failed): the mail is processed without the
    checks that held it."""
    require_agent(actor)
    with transaction.atomic():
        row = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
        if row.state not in RELEASABLE:
            raise Conflict(_("This mail is not held."), code="not_held")
        name = actor.user.email if actor.user is not None else actor.system_reason
        row.state, row.checks_skipped, row.attempts, row.error = InboundState.PENDING, True, 0, ""
        row.reason = (_("Released by %(name)s") % {"name": name})[:255]
        row.save(update_fields=["state", "checks_skipped", "attempts", "error", "reason"])
        from otvet.connectors.tasks import process_inbound_email  # tasks import services

        transaction.on_commit(lambda: process_inbound_email(row.pk))
    return row
