"""An SMTP/LMTP listener for direct delivery: a mail is acknowledged only after it is stored (and committed)."""

from __future__ import annotations

import logging
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.db import close_old_connections

from otvet.connectors.choices import InboundSource
from otvet.connectors.email.store import inbound_email_deliver, mailbox_for_address
from otvet.core.errors import TooLarge

logger = logging.getLogger(__name__)


class InboundHandler:
    """aiosmtpd handler: accepts recipients of configured mailboxes only, stores the data before answering 250."""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        mailbox = await sync_to_async(mailbox_for_address, thread_sensitive=True)(address)
        if mailbox is None:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            await sync_to_async(_deliver, thread_sensitive=True)(raw, list(envelope.rcpt_tos))
        except TooLarge:
            return "552 5.3.4 Message too big"
        except Exception:  # the sender keeps the mail and retries: nothing is lost
            logger.exception("storing an inbound mail failed")
            return "451 4.3.0 Temporary failure, please retry"
        return "250 2.0.0 Message accepted for delivery"


def _deliver(raw: bytes, recipients: list[str]) -> int:
    close_old_connections()  # the listener thread lives long: never keep a broken connection
    return inbound_email_deliver(raw=raw, recipients=recipients, source=InboundSource.SMTP)


class LmtpController(Controller):
    """The same handler speaking LMTP, for delivery from a local MTA (Postfix `mailbox_transport = lmtp:`)."""

    def factory(self) -> Any:
        return LMTP(self.handler, **self.SMTP_kwargs)


def listener(host: str, port: int, *, lmtp: bool = False, max_bytes: int = 0) -> Controller:
    """A started-on-demand controller serving the inbound handler on host:port."""
    kwargs: dict[str, Any] = {"data_size_limit": max_bytes or None, "decode_data": False}
    controller_class = LmtpController if lmtp else Controller
    return controller_class(InboundHandler(), hostname=host, port=port, **kwargs)
