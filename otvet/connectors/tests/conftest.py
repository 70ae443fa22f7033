"""Mailboxes and mails for the email channel's tests."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import pytest

from otvet.connectors.choices import InboundSource
from otvet.connectors.email.store import inbound_email_store
from otvet.connectors.models import InboundEmail, Mailbox
from otvet.core import clock


@pytest.fixture
def mailbox(db: None) -> Mailbox:
    return Mailbox.objects.create(name="Support", address="support@example.com", is_default=True)


@pytest.fixture
def imap_mailbox(imap_server: Any) -> Mailbox:
    """A mailbox polling the test's private Dovecot."""
    return Mailbox.objects.create(
        name="Support",
        address="support@example.com",
        imap_host=imap_server.host,
        imap_port=imap_server.port,
        imap_security="none",
        imap_username=imap_server.user,
        imap_password=imap_server.password,
    )


def build_mail(
    *,
    sender: str = "Иван Петров <ivan@client.ru>",
    to: str = "support@example.com",
    subject: str = "Не работает выгрузка в 1С",
    body: str = "Здравствуйте! После обновления не выгружаются счета в 1С.",
    message_id: str | None = None,
    in_reply_to: str = "",
    references: str = "",
    cc: str = "",
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, bytes, str]] = (),  # type: ignore[assignment]
) -> bytes:
    """A realistic plain mail as an SMTP server would hand it over."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    if cc:
        mail["Cc"] = cc
    mail["Subject"] = subject
    mail["Date"] = format_datetime(clock.now())
    mail["Message-ID"] = message_id if message_id is not None else make_msgid(domain="client.ru")
    if not mail["Message-ID"]:
        del mail["Message-ID"]
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
    if references:
        mail["References"] = references
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(body)
    for filename, content, content_type in attachments:
        maintype, _slash, subtype = content_type.partition("/")
        mail.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return mail.as_bytes()


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """A context in which on-commit work (the worker's jobs run immediately in tests) really runs."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def receive(mailbox: Mailbox, committed: Callable[[], Any]) -> Callable[..., InboundEmail]:
    """Store a mail as the SMTP listener would and let the worker process it; the row as it ended."""

    def deliver(raw: bytes, to: Mailbox | None = None) -> InboundEmail:
        with committed():
            row, _created = inbound_email_store(mailbox=to or mailbox, raw=raw, source=InboundSource.SMTP)
        row.refresh_from_db()
        return row

    return deliver
