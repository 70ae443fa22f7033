"""Direct delivery: mail sent over real SMTP (and LMTP) to `otvet smtpd` becomes tickets."""

from __future__ import annotations

import smtplib
import time
from collections.abc import Iterator

import pytest

from otvet.connectors.choices import InboundState
from otvet.connectors.email.smtpd import listener
from otvet.connectors.models import InboundEmail, Mailbox
from otvet.connectors.tests.conftest import build_mail
from otvet.testing.mailservers import free_port
from otvet.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def smtpd(request) -> Iterator[tuple[str, int]]:
    Mailbox.objects.create(name="Support", address="support@example.com")
    port = free_port()
    controller = listener("127.0.0.1", port, lmtp=getattr(request, "param", False))
    controller.start()
    yield "127.0.0.1", port
    controller.stop()


def wait_processed(count: int, timeout: float = 10.0) -> list[InboundEmail]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = list(InboundEmail.objects.exclude(state=InboundState.PENDING).order_by("pk"))
        if len(rows) >= count:
            return rows
        time.sleep(0.05)
    pytest.fail(f"{count} mails were not processed within {timeout}s")


def test_mail_sent_over_smtp_becomes_a_ticket(smtpd) -> None:
    host, port = smtpd
    with smtplib.SMTP(host, port) as client:
        client.sendmail("ivan@client.ru", ["support@example.com"], build_mail())
    [row] = wait_processed(1)
    assert row.state == InboundState.PROCESSED, row.error
    assert Ticket.objects.get(pk=row.ticket_id).requester.email == "ivan@client.ru"
    assert bytes(row.raw).startswith(b"Delivered-To: support@example.com\r\n")


def test_a_plus_address_reaches_its_mailbox_and_an_unknown_address_is_refused(smtpd) -> None:
    host, port = smtpd
    with smtplib.SMTP(host, port) as client:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            client.sendmail("ivan@client.ru", ["nobody@example.com"], build_mail())
        client.sendmail("ivan@client.ru", ["support+billing@example.com"], build_mail(to="support+billing@example.com"))
    assert refused.value.recipients["nobody@example.com"][0] == 550
    [row] = wait_processed(1)
    assert row.mailbox.address == "support@example.com"


@pytest.mark.parametrize("smtpd", [True], indirect=True)
def test_the_listener_speaks_lmtp_for_a_local_mta(smtpd) -> None:
    host, port = smtpd
    with smtplib.LMTP(host, port) as client:
        client.sendmail("ivan@client.ru", ["support@example.com"], build_mail())
    [row] = wait_processed(1)
    assert row.state == InboundState.PROCESSED, row.error
