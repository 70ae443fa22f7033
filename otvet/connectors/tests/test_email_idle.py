"""IMAP IDLE: mail appended on a real Dovecot becomes a ticket within seconds, without waiting for the schedule."""

from __future__ import annotations

import threading
import time

import pytest

from otvet.connectors.email.idle import idle_mailbox
from otvet.connectors.email.poll import mailbox_poll
from otvet.connectors.models import InboundEmail, Mailbox
from otvet.connectors.tests.conftest import build_mail
from otvet.core import clock

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def idle_box(imap_mailbox: Mailbox) -> Mailbox:
    """The schedule will not poll it (its next poll is far away): only IDLE can."""
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(next_poll_at=clock.now().replace(year=2100))
    return imap_mailbox


def test_idle_fetches_new_mail_within_seconds(imap_server, idle_box) -> None:
    stop = threading.Event()
    listener = threading.Thread(target=idle_mailbox, args=(idle_box.pk, stop, 2.0), daemon=True)
    listener.start()
    try:
        time.sleep(1.0)  # IDLE is running
        imap_server.append(build_mail(subject="Срочно: не работает вход"))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not InboundEmail.objects.exists():
            time.sleep(0.1)
        assert InboundEmail.objects.get().subject == "Срочно: не работает вход"
    finally:
        stop.set()
        listener.join(timeout=15)


def test_a_forced_poll_never_takes_a_lease_another_worker_holds(idle_box) -> None:
    Mailbox.objects.filter(pk=idle_box.pk).update(poll_lease_until=clock.now().replace(year=2100))
    assert mailbox_poll(idle_box.pk, force=True) == 0
