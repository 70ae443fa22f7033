"""Polling a real IMAP server (Dovecot): stored first, flagged after the commit, never twice."""

from __future__ import annotations

import pytest

from otvet.connectors.choices import InboundState
from otvet.connectors.email import poll as poll_module
from otvet.connectors.email.poll import mailbox_poll, mailboxes_due
from otvet.connectors.models import InboundEmail, Mailbox
from otvet.connectors.tests.conftest import build_mail
from otvet.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_polling_turns_new_mail_into_tickets_and_marks_it_on_the_server(imap_server, imap_mailbox, committed) -> None:
    for n in range(3):
        imap_server.append(build_mail(subject=f"Вопрос {n}"))
    with committed():
        assert mailbox_poll(imap_mailbox.pk) == 3
    assert InboundEmail.objects.filter(state=InboundState.PROCESSED).count() == 3
    assert Ticket.objects.filter(subject__startswith="Вопрос").count() == 3
    assert all("\\Seen" in flags for _uid, flags, _raw in imap_server.messages())

    with committed():
        assert mailbox_poll(imap_mailbox.pk, force=True) == 0


def test_a_poll_is_claimed_by_one_worker_until_it_is_due_again(imap_mailbox) -> None:
    assert imap_mailbox.pk in mailboxes_due()
    mailbox_poll(imap_mailbox.pk)
    assert imap_mailbox.pk not in mailboxes_due()
    assert mailbox_poll(imap_mailbox.pk) == 0


def test_a_crash_before_marking_fetches_again_but_stores_nothing_twice(
    imap_server, imap_mailbox, committed, monkeypatch
) -> None:
    imap_server.append(build_mail(subject="Один раз"))

    def lost_connection(settings, uids):
        raise poll_module.ImapError("connection lost", permanent=False)

    monkeypatch.setattr(poll_module, "imap_mark_processed", lost_connection)
    with committed():
        mailbox_poll(imap_mailbox.pk)
    imap_mailbox.refresh_from_db()
    assert "connection lost" in imap_mailbox.last_error
    monkeypatch.undo()

    with committed():
        mailbox_poll(imap_mailbox.pk, force=True)
    assert InboundEmail.objects.count() == 1
    assert Ticket.objects.filter(subject="Один раз").count() == 1


def test_a_wrong_password_is_recorded_without_showing_the_password(imap_server, imap_mailbox) -> None:
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(imap_password="wrong-secret-123")
    mailbox_poll(imap_mailbox.pk)
    imap_mailbox.refresh_from_db()
    assert imap_mailbox.last_error
    assert "wrong-secret-123" not in imap_mailbox.last_error


def test_processed_mail_is_moved_to_the_configured_folder(imap_server, imap_mailbox, committed) -> None:
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(imap_processed_folder="Otvet")
    imap_server.append(build_mail())
    with committed():
        mailbox_poll(imap_mailbox.pk)
    assert imap_server.messages("INBOX") == []
    assert len(imap_server.messages("Otvet")) == 1
