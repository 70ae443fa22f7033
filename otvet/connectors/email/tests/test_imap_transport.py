"""The IMAP transport against a real Dovecot (otvet/testing/mailservers.py): no protocol mocks."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
import time
from collections.abc import Iterator

import pytest

from otvet.connectors.email import imap
from otvet.connectors.email.imap import ImapError, ImapSettings, imap_fetch, imap_mark_processed, imap_wait
from otvet.testing.mailservers import DovecotServer, free_port

PLAIN = (
    b"From: Customer <customer@example.org>\r\n"
    b"To: support@example.com\r\n"
    b"Subject: Printer is on fire\r\n"
    b"Message-ID: <plain-1@example.org>\r\n"
    b"Date: Mon, 02 Mar 2026 10:00:00 +0300\r\n"
    b"\r\n"
    b"Please   help.\r\n"
    b"  Indented line with trailing spaces   \r\n"
)
# An 8-bit KOI8-R body with an RFC 2047 subject, as old Russian mail clients still send it.
KOI8 = (
    b"From: =?koi8-r?b?6dfBzg==?= <ivan@example.ru>\r\n"
    b"To: support@example.com\r\n"
    b"Subject: =?koi8-r?b?8NLJzcXS?=\r\n"
    b"Message-ID: <koi8-1@example.ru>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=koi8-r\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n"
    b"\r\n" + "Здравствуйте, не работает принтер.\r\n".encode("koi8-r")
)


def mail(number: int) -> bytes:
    """A small distinct message."""
    return PLAIN.replace(b"plain-1", f"plain-{number}".encode()).replace(b"on fire", f"on fire #{number}".encode())


@pytest.fixture
def imap_settings(imap_server: DovecotServer) -> ImapSettings:
    """Transport settings for the test mailbox of the worker's Dovecot."""
    return ImapSettings(
        host=imap_server.host,
        port=imap_server.port,
        security="none",
        username=imap_server.user,
        password=imap_server.password,
        timeout=10,
    )


def test_fetch_returns_the_exact_bytes_of_each_stored_message(imap_server: DovecotServer, imap_settings: ImapSettings):
    first = imap_server.append(PLAIN)
    second = imap_server.append(KOI8)

    fetched = imap_fetch(imap_settings)

    assert [(m.uid, m.raw) for m in fetched] == [(first, PLAIN), (second, KOI8)]


def test_fetch_does_not_mark_messages_seen(imap_server: DovecotServer, imap_settings: ImapSettings):
    imap_server.append(PLAIN)

    imap_fetch(imap_settings)
    imap_fetch(imap_settings)

    [(_, flags, _)] = imap_server.messages()
    assert flags == ()


def test_fetch_picks_up_mail_a_person_already_read_in_a_mail_client(
    imap_server: DovecotServer, imap_settings: ImapSettings
):
    uid = imap_server.append(PLAIN, flags=["\\Seen"])

    assert [m.uid for m in imap_fetch(imap_settings)] == [uid]


def test_fetch_returns_at_most_limit_messages_oldest_first(imap_server: DovecotServer, imap_settings: ImapSettings):
    uids = [imap_server.append(mail(n)) for n in range(5)]

    assert [m.uid for m in imap_fetch(imap_settings, limit=2)] == uids[:2]


def test_fetch_reads_more_messages_than_one_fetch_batch(imap_server: DovecotServer, imap_settings: ImapSettings):
    sent = [mail(n) for n in range(imap.FETCH_BATCH + 3)]
    for raw in sent:
        imap_server.append(raw)

    assert [m.raw for m in imap_fetch(imap_settings)] == sent


def test_fetch_of_an_empty_folder_returns_nothing(imap_settings: ImapSettings):
    assert imap_fetch(imap_settings) == []


def test_mark_processed_flags_the_messages_seen_and_processed(imap_server: DovecotServer, imap_settings: ImapSettings):
    done = imap_server.append(PLAIN)
    waiting = imap_server.append(KOI8)

    imap_mark_processed(imap_settings, [done])

    assert [(uid, flags) for uid, flags, _ in imap_server.messages()] == [
        (done, ("$OtvetProcessed", "\\Seen")),
        (waiting, ()),
    ]


def test_fetch_after_mark_processed_returns_only_the_rest(imap_server: DovecotServer, imap_settings: ImapSettings):
    done = imap_server.append(PLAIN)
    waiting = imap_server.append(KOI8)
    imap_mark_processed(imap_settings, [done])

    assert [m.uid for m in imap_fetch(imap_settings)] == [waiting]
    imap_mark_processed(imap_settings, [waiting])
    assert imap_fetch(imap_settings) == []


def test_mark_processed_twice_is_harmless(imap_server: DovecotServer, imap_settings: ImapSettings):
    uid = imap_server.append(PLAIN)

    imap_mark_processed(imap_settings, [uid])
    imap_mark_processed(imap_settings, [uid])

    assert [(u, flags) for u, flags, _ in imap_server.messages()] == [(uid, ("$OtvetProcessed", "\\Seen"))]


def test_mark_processed_moves_the_messages_into_the_processed_folder_it_creates(
    imap_server: DovecotServer, imap_settings: ImapSettings
):
    imap_settings = dataclasses.replace(imap_settings, processed_folder="Otvet")
    done = imap_server.append(PLAIN)
    waiting = imap_server.append(KOI8)

    imap_mark_processed(imap_settings, [done])

    assert imap_server.folders() == ["INBOX", "Otvet"]
    assert [uid for uid, _, _ in imap_server.messages("INBOX")] == [waiting]
    [(_, flags, raw)] = imap_server.messages("Otvet")
    assert raw == PLAIN
    assert "\\Seen" in flags
    assert [m.uid for m in imap_fetch(imap_settings)] == [waiting]


def test_moving_to_the_processed_folder_twice_is_harmless(imap_server: DovecotServer, imap_settings: ImapSettings):
    imap_settings = dataclasses.replace(imap_settings, processed_folder="Otvet")
    uid = imap_server.append(PLAIN)

    imap_mark_processed(imap_settings, [uid])
    imap_mark_processed(imap_settings, [uid])

    assert imap_server.messages("INBOX") == []
    assert [raw for _, _, raw in imap_server.messages("Otvet")] == [PLAIN]


def test_fetch_reads_the_configured_folder(imap_server: DovecotServer, imap_settings: ImapSettings):
    imap_server.append(PLAIN)
    uid = imap_server.append(KOI8, folder="Support")

    fetched = imap_fetch(dataclasses.replace(imap_settings, folder="Support"))

    assert [(m.uid, m.raw) for m in fetched] == [(uid, KOI8)]


def test_a_wrong_password_is_a_permanent_error_that_does_not_reveal_the_password(
    imap_settings: ImapSettings, caplog: pytest.LogCaptureFixture
):
    wrong = dataclasses.replace(imap_settings, password="Hunter2-wrong-secret")
    caplog.set_level(logging.DEBUG)

    with pytest.raises(ImapError) as raised:
        imap_fetch(wrong)

    assert raised.value.permanent is True
    assert "login refused" in str(raised.value)
    assert "Hunter2-wrong-secret" not in str(raised.value)
    assert "Hunter2-wrong-secret" not in caplog.text
    assert "Hunter2-wrong-secret" not in repr(wrong)
    assert raised.value.__suppress_context__  # the original imap-tools error is not printed with it


def test_a_wrong_non_ascii_password_is_a_permanent_error_too(imap_settings: ImapSettings):
    wrong = dataclasses.replace(imap_settings, password="пароль-неверный")

    with pytest.raises(ImapError) as raised:
        imap_fetch(wrong)

    assert raised.value.permanent is True
    assert "пароль-неверный" not in str(raised.value)


def test_a_missing_folder_is_a_permanent_error(imap_settings: ImapSettings):
    with pytest.raises(ImapError) as raised:
        imap_fetch(dataclasses.replace(imap_settings, folder="No such folder"))

    assert raised.value.permanent is True


def test_a_closed_port_is_a_temporary_error(imap_settings: ImapSettings):
    closed = dataclasses.replace(imap_settings, port=free_port())

    with pytest.raises(ImapError) as raised:
        imap_fetch(closed)

    assert raised.value.permanent is False
    assert imap_settings.password not in str(raised.value)


def test_starttls_never_falls_back_to_plaintext(imap_settings: ImapSettings):
    with pytest.raises(ImapError) as raised:
        imap_fetch(dataclasses.replace(imap_settings, security="starttls"))

    assert raised.value.permanent is True
    assert "STARTTLS" in str(raised.value)


def test_settings_refuse_an_unknown_security_mode():
    with pytest.raises(ValueError, match="security"):
        ImapSettings(host="localhost", port=143, security="tls", username="u", password="p")


@contextlib.contextmanager
def delivering(imap_server: DovecotServer, every: float = 0.4) -> Iterator[None]:
    """Another connection delivers a message every `every` seconds, as the MTA would.

    Repeated rather than once, so that a wait whose IDLE starts late on a busy machine still sees one arrive.
    """
    stop = threading.Event()

    def deliver() -> None:
        while not stop.wait(every):
            imap_server.append(PLAIN)

    thread = threading.Thread(target=deliver, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def test_wait_returns_true_soon_after_mail_arrives(imap_server: DovecotServer, imap_settings: ImapSettings):
    started = time.monotonic()
    with delivering(imap_server):
        arrived = imap_wait(imap_settings, timeout=10)

    assert arrived is True
    assert time.monotonic() - started < 2.5


def test_wait_returns_false_when_nothing_arrives_in_time(imap_settings: ImapSettings):
    started = time.monotonic()

    arrived = imap_wait(imap_settings, timeout=1)

    assert arrived is False
    assert 0.9 < time.monotonic() - started < 3


def test_wait_ignores_flag_changes_by_other_sessions(imap_server: DovecotServer, imap_settings: ImapSettings):
    uid = imap_server.append(PLAIN)
    flagger = threading.Thread(target=lambda: (time.sleep(0.3), imap_mark_processed(imap_settings, [uid])))
    flagger.start()

    arrived = imap_wait(imap_settings, timeout=1.5)

    flagger.join()
    assert arrived is False


def test_wait_polls_servers_without_idle(
    imap_server: DovecotServer, imap_settings: ImapSettings, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(imap, "_supports_idle", lambda mailbox: False)
    monkeypatch.setattr(imap, "POLL_INTERVAL", 0.2)
    assert imap_wait(imap_settings, timeout=0.5) is False

    with delivering(imap_server, every=0.3):
        assert imap_wait(imap_settings, timeout=5) is True
