"""The test mail servers themselves: what the email channel's tests rely on them to do."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import pytest

from otvet.testing.mailservers import DovecotServer, SmtpCapture


def outgoing(subject: str = "Re: [#12] Printer") -> EmailMessage:
    """A reply as the help desk would send it, with a Cyrillic body."""
    message = EmailMessage()
    message["From"] = "support@example.com"
    message["To"] = "customer@example.org"
    message["Subject"] = subject
    message.set_content("Здравствуйте! Принтер починили.")
    return message


def send(capture: SmtpCapture, message: EmailMessage, rcpt: list[str] | None = None) -> None:
    """Deliver over a real SMTP connection, as Django's SMTP backend does."""
    with smtplib.SMTP(capture.host, capture.port, timeout=5) as client:
        client.send_message(message, to_addrs=rcpt)


def test_smtp_capture_records_the_envelope_and_the_exact_message(smtp_capture: SmtpCapture):
    message = outgoing()

    send(smtp_capture, message, rcpt=["customer@example.org", "cc@example.org"])

    [captured] = smtp_capture.wait_for(1)
    assert captured.mail_from == "support@example.com"
    assert captured.rcpt_tos == ("customer@example.org", "cc@example.org")
    assert captured.raw.replace(b"\r\n", b"\n") == message.as_bytes()
    assert captured.message.get_content().strip() == "Здравствуйте! Принтер починили."


def test_smtp_capture_refuses_the_next_message_permanently_then_accepts_again(smtp_capture: SmtpCapture):
    smtp_capture.reject_next(550)

    with pytest.raises(smtplib.SMTPDataError) as raised:
        send(smtp_capture, outgoing("first"))
    send(smtp_capture, outgoing("second"))

    assert raised.value.smtp_code == 550
    assert [m.message["Subject"] for m in smtp_capture.wait_for(1)] == ["second"]


def test_smtp_capture_refuses_a_number_of_messages_temporarily(smtp_capture: SmtpCapture):
    smtp_capture.reject_next(451, count=2)

    codes = []
    for attempt in range(3):
        try:
            send(smtp_capture, outgoing(f"attempt {attempt}"))
            codes.append(250)
        except smtplib.SMTPDataError as error:
            codes.append(error.smtp_code)

    assert codes == [451, 451, 250]
    assert len(smtp_capture.wait_for(1)) == 1


def test_smtp_capture_can_refuse_recipients(smtp_capture: SmtpCapture):
    smtp_capture.reject_next(550, stage="RCPT", text="5.1.1 No such user")

    with pytest.raises(smtplib.SMTPRecipientsRefused) as raised:
        send(smtp_capture, outgoing())

    assert raised.value.recipients == {"customer@example.org": (550, b"5.1.1 No such user")}
    assert smtp_capture.messages == []


def test_smtp_capture_wait_for_fails_the_test_when_too_little_arrives(smtp_capture: SmtpCapture):
    with pytest.raises(pytest.fail.Exception, match="expected 1 message"):
        smtp_capture.wait_for(1, timeout=0.1)


def test_each_test_gets_an_smtp_server_of_its_own(smtp_capture: SmtpCapture):
    assert smtp_capture.messages == []
    assert smtp_capture.port > 0


def test_dovecot_stores_appended_mail_with_its_flags(imap_server: DovecotServer):
    uid = imap_server.append(b"Subject: hello\r\n\r\nbody\r\n", flags=["\\Seen"])
    imap_server.append(b"Subject: archived\r\n\r\nbody\r\n", folder="Archive")

    assert imap_server.messages() == [(uid, ("\\Seen",), b"Subject: hello\r\n\r\nbody\r\n")]
    assert imap_server.folders() == ["INBOX", "Archive"]


def test_imap_server_starts_each_test_with_an_empty_inbox_and_no_other_folders(imap_server: DovecotServer):
    assert imap_server.messages() == []
    assert imap_server.folders() == ["INBOX"]
