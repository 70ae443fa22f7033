"""Storing inbound mail before anything else happens to it: the one step that must never lose a message."""

from __future__ import annotations

import hashlib
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parseaddr

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from otvet.connectors.choices import InboundSource, InboundState
from otvet.connectors.email.parse import header_message_ids
from otvet.connectors.models import InboundEmail, Mailbox
from otvet.core import clock
from otvet.core.errors import TooLarge

MAX_KEY = 300


def inbound_email_store(
    *, mailbox: Mailbox, raw: bytes, source: InboundSource, source_ref: str = ""
) -> tuple[InboundEmail, bool]:
    """Store a received mail exactly as it arrived; (row, created). The same mail twice is stored once.

    A different mail that reuses a stored Message-ID is stored too, and kept as a visible duplicate that an agent
    can process anyway: nothing is dropped silently. Processing is scheduled after the commit.
    """
    if len(raw) > settings.OTVET_EMAIL_MAX_BYTES:
        raise TooLarge(_("The message is larger than the configured limit."))
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw, headersonly=True)
    ids = header_message_ids(_header(headers, "Message-ID"))
    message_id = ids[0][: MAX_KEY - 20] if ids else ""
    digest = hashlib.sha256(raw).hexdigest()
    key = message_id or f"sha256:{digest}"
    row = InboundEmail(
        mailbox=mailbox,
        dedupe_key=key,
        mail_id=message_id,
        sha256=digest,
        raw=raw,
        size=len(raw),
        source=source,
        source_ref=source_ref[:255],
        sender=parseaddr(_header(headers, "From"))[1].lower()[:255],
        subject=_header(headers, "Subject")[:255],
        received_at=clock.now(),
    )
    try:
        _insert(row)
    except IntegrityError:
        existing = InboundEmail.objects.get(mailbox=mailbox, dedupe_key=key)
        if existing.sha256 == digest or _fingerprint(bytes(existing.raw)) == _fingerprint(raw):
            return existing, False
        row.pk = None
        row.dedupe_key = f"{key}#{digest[:16]}"
        row.state = InboundState.DUPLICATE
        row.reason = _("Another mail with the same Message-ID was received before.")
        try:
            _insert(row)
        except IntegrityError:  # this very variant was stored already
            return InboundEmail.objects.get(mailbox=mailbox, dedupe_key=row.dedupe_key), False
        return row, True
    from otvet.connectors.tasks import process_inbound_email  # tasks import this module

    transaction.on_commit(lambda: process_inbound_email(row.pk, stored=True))
    return row, True


def _insert(row: InboundEmail) -> None:
    """Insert and commit the row; a duplicate key raises IntegrityError and writes nothing."""
    if transaction.get_connection().in_atomic_block:
        with transaction.atomic():  # a savepoint: a duplicate must not break the caller's transaction
            row.save(force_insert=True)
    else:  # autocommit: the INSERT commits by itself, one round trip instead of BEGIN, INSERT, COMMIT
        row.save(force_insert=True)


def mailbox_for_address(address: str) -> Mailbox | None:
    """The active mailbox an address reaches, +tags included (support+t1042-…@example.com reaches support@)."""
    local, _at, domain = (address or "").strip().strip("<>").lower().rpartition("@")
    if not domain:
        return None
    base = f"{local.partition('+')[0]}@{domain}"
    return Mailbox.objects.filter(address__iexact=base, is_active=True).first()


def inbound_email_deliver(*, raw: bytes, recipients: list[str], source: InboundSource) -> int:
    """Store a mail once per mailbox it was addressed to, with the envelope recipient on top (Delivered-To);
    returns how many mailboxes took it."""
    stored: set[int] = set()
    for recipient in recipients:
        mailbox = mailbox_for_address(recipient)
        if mailbox is None or mailbox.pk in stored:
            continue
        inbound_email_store(
            mailbox=mailbox,
            raw=b"Delivered-To: " + recipient.encode("ascii", "replace") + b"\r\n" + raw,
            source=source,
        )
        stored.add(mailbox.pk)
    return len(stored)


def _fingerprint(raw: bytes) -> tuple[str, ...]:
    """What makes two copies the same mail although their bytes differ: a provider rebuilt the MIME (webhooks),
    or a transport added its trace headers. A mailer that reuses one Message-ID for different mails changes these."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw, headersonly=True)
    return tuple(_header(headers, name) for name in ("Message-ID", "From", "To", "Subject", "Date"))


def _header(headers: Message, name: str) -> str:
    """A header as readable text for the mail log, whatever its encoding; never raises."""
    value = headers.get(name)
    if value is None:
        return ""
    text = str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    try:
        text = str(make_header(decode_header(text)))
    except Exception:  # a broken encoded-word: keep it as it came
        pass
    return " ".join(text.replace("\x00", "").split())
