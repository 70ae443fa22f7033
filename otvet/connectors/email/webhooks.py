"""Inbound mail from an email provider's webhook (django-anymail): stored like mail that came by SMTP."""

from __future__ import annotations

import logging
from typing import Any

from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent

from otvet.connectors.choices import InboundSource
from otvet.connectors.email.store import inbound_email_deliver

logger = logging.getLogger(__name__)


def anymail_inbound_received(sender: Any, event: AnymailInboundEvent, esp_name: str, **kwargs: Any) -> None:
    """anymail's `inbound` signal: the provider's message, for the mailboxes it was sent to."""
    message: AnymailInboundMessage = event.message
    recipients = [message.envelope_recipient or ""]
    recipients += [address.addr_spec for address in (*message.to, *message.cc)]
    stored = inbound_email_deliver(
        raw=message.as_bytes(), recipients=[r for r in recipients if r], source=InboundSource.WEBHOOK
    )
    if not stored:  # answered 200 all the same: the provider would only retry a mail no mailbox takes
        logger.warning("%s inbound mail for %s matches no active mailbox", esp_name, ", ".join(recipients))
