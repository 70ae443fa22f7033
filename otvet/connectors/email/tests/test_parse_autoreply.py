"""Telling machine mail from people's mail: auto-replies, bulk and list mail, bounces and what they report."""

from __future__ import annotations

import pytest

from otvet.connectors.email.parse import Automatic, ParsedEmail, parse_email


def _mail(
    headers: str = "", *, subject: str = "Вопрос по счёту", sender: str = "ivan@client.ru", body: str = ""
) -> bytes:
    """A small plain-text mail with extra headers."""
    extra = "".join(f"{line.strip()}\n" for line in headers.strip().splitlines() if line.strip())
    raw = (
        f"From: {sender}\nTo: support@example.com\nSubject: {subject}\nDate: Mon, 23 Nov 2026 10:15:00 +0300\n"
        f"Message-ID: <m1@client.ru>\nMIME-Version: 1.0\n{extra}Content-Type: text/plain; charset=utf-8\n\n"
        f"{body or 'Здравствуйте! Не приходит счёт.'}\n"
    )
    return raw.encode()


def _parse(*args: str, **kwargs: str) -> ParsedEmail:
    """Parse a small mail built by `_mail`."""
    return parse_email(_mail(*args, **kwargs))


def test_a_persons_mail_is_not_automatic() -> None:
    parsed = _parse()
    assert parsed.automatic == Automatic.HUMAN == ""
    assert parsed.bounce is None


@pytest.mark.parametrize(
    "headers",
    [
        "Auto-Submitted: auto-replied",
        "Auto-Submitted: auto-generated",
        "Auto-Submitted: auto-notified; owner-email=admin@client.ru",
        "X-Autoreply: yes",
        "X-Autorespond: Out of office",
        "X-Auto-Response-Suppress: All",
        "X-Auto-Response-Suppress: DR, OOF, AutoReply",
        "Precedence: auto_reply",
    ],
)
def test_auto_reply_headers_mark_an_auto_reply(headers: str) -> None:
    assert _parse(headers).automatic == Automatic.AUTO_REPLY


@pytest.mark.parametrize(
    "headers", ["Auto-Submitted: no", "X-Auto-Response-Suppress: DR, RN, NRN", "Precedence: first-class"]
)
def test_headers_that_say_a_person_sent_it_are_not_taken_for_automatic(headers: str) -> None:
    assert _parse(headers).automatic == Automatic.HUMAN


@pytest.mark.parametrize(
    "subject",
    [
        "Автоматический ответ: Вопрос по счёту",
        "Автоответ: Re: [#1042] Счёт",
        "Automatic reply: Invoice",
        "Auto-Reply: Invoice",
        "Out of Office: Invoice",
        "Re: Invoice [Out of the office]",
        "=?utf-8?B?0JDQstGC0L7QvtGC0LLQtdGCOiBSZTog0KHRh9GR0YI=?=",
    ],
)
def test_auto_reply_subjects_mark_an_auto_reply(subject: str) -> None:
    assert _parse(subject=subject).automatic == Automatic.AUTO_REPLY


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ("Precedence: bulk", Automatic.BULK),
        ("Precedence: junk", Automatic.BULK),
        ("Precedence: list", Automatic.LIST),
        ("List-Id: Клиенты <clients.lists.example.com>", Automatic.LIST),
        ("List-Unsubscribe: <mailto:unsubscribe@news.example.com>", Automatic.LIST),
    ],
)
def test_precedence_and_list_headers_mark_bulk_and_list_mail(headers: str, expected: Automatic) -> None:
    assert _parse(headers).automatic == expected


@pytest.mark.parametrize(
    "sender", ["noreply@bank.example", "no-reply@bank.example", "do-not-reply@crm.example", "donotreply@crm.example"]
)
def test_no_reply_senders_mark_bulk_mail(sender: str) -> None:
    assert _parse(sender=sender).automatic == Automatic.BULK


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.client.ru", "postmaster@client.ru"])
def test_mail_system_senders_are_bounces_even_without_a_report(sender: str) -> None:
    parsed = _parse(sender=sender, subject="Mail delivery failed", body="Something went wrong.")
    assert parsed.automatic == Automatic.BOUNCE
    assert parsed.bounce is not None


@pytest.mark.parametrize(
    "subject",
    ["Бухгалтер в отпуске до 30-го, перенесите оплату", "Out-of-office hours support?", "Re: автоответ не работает"],
)
def test_a_customer_writing_about_absence_or_auto_replies_is_not_an_auto_reply(subject: str) -> None:
    assert _parse(subject=subject).automatic == Automatic.HUMAN


def test_a_customer_asking_about_an_undelivered_mail_is_not_a_bounce() -> None:
    parsed = _parse(subject="Сообщение не доставлено — что делать?", body="Наши письма клиентам не доходят.")
    assert parsed.automatic == Automatic.HUMAN
    assert parsed.bounce is None


def test_a_forwarded_bounce_is_a_persons_mail() -> None:
    parsed = _parse("Auto-Submitted: no", subject="Fwd: Undelivered Mail Returned to Sender")
    assert parsed.bounce is None


def test_an_automatic_mail_whose_subject_says_delivery_failed_is_a_bounce_read_from_its_text() -> None:
    body = (
        "Ваше сообщение не доставлено адресату ivan@old.example.\n"
        "Причина: 550 5.1.1 User unknown.\n\n"
        "------ This is a copy of the message, including all the headers. ------\n"
        "Message-ID: <otvet-1042-abc@support.example.com>\nTo: ivan@old.example\n"
    )
    parsed = _parse(
        "Auto-Submitted: auto-replied", sender="robot@relay.example", subject="Недоставленное сообщение", body=body
    )
    assert parsed.automatic == Automatic.BOUNCE
    assert parsed.bounce is not None
    assert parsed.bounce.original_message_id == "otvet-1042-abc@support.example.com"
    assert parsed.bounce.recipients == ("ivan@old.example",)
    assert parsed.bounce.status == "5.1.1"
    assert parsed.bounce.permanent is True


@pytest.mark.parametrize(
    ("body", "permanent"),
    [
        ("Delivery to ivan@old.example has been delayed. The server will retry for 48 hours.", False),
        ("Доставка письма ivan@old.example задерживается, повторная попытка через час.", False),
        ("Could not deliver to ivan@old.example: 452 4.2.2 Mailbox full.", False),
        ("Could not deliver to ivan@old.example: mailbox does not exist.", True),
    ],
)
def test_a_text_bounce_is_permanent_unless_its_code_or_words_say_it_will_be_retried(body: str, permanent: bool) -> None:
    parsed = _parse(sender="mailer-daemon@relay.example", subject="Delivery Status Notification", body=body)
    assert parsed.bounce is not None
    assert parsed.bounce.permanent is permanent


def _report(status: str, action: str, original: str) -> bytes:
    """A minimal RFC 3464 delivery status notification."""
    return f"""From: MAILER-DAEMON@mx.example.com
To: support@example.com
Subject: Delivery Status Notification
Message-ID: <dsn-1@mx.example.com>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

Report.
--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com

Final-Recipient: rfc822; Ivan@Old.example
Action: {action}
Status: {status}
Diagnostic-Code: smtp; {status} something

--b
Content-Type: {original}

Message-ID: <otvet-7-x@support.example.com>
Subject: [#7] Re: Счёт

Body
--b--
""".encode()


@pytest.mark.parametrize(
    ("status", "action", "permanent"), [("5.1.1", "failed", True), ("4.4.7", "delayed", False), ("5.7.1", "", True)]
)
@pytest.mark.parametrize("original", ["message/rfc822", "text/rfc822-headers"])
def test_a_delivery_status_notification_gives_recipient_status_and_the_original_id(
    status: str, action: str, permanent: bool, original: str
) -> None:
    parsed = parse_email(_report(status, action, original))
    assert parsed.automatic == Automatic.BOUNCE
    assert parsed.bounce is not None
    assert parsed.bounce.recipients == ("ivan@old.example",)
    assert (parsed.bounce.status, parsed.bounce.permanent) == (status, permanent)
    assert parsed.bounce.diagnostic == f"{status} something"
    assert parsed.bounce.original_message_id == "otvet-7-x@support.example.com"


def test_a_read_receipt_is_an_auto_reply_not_a_bounce() -> None:
    raw = _report("5.1.1", "failed", "message/rfc822").replace(
        b"report-type=delivery-status", b"report-type=disposition-notification"
    )
    parsed = parse_email(raw.replace(b"MAILER-DAEMON@", b"director@"))
    assert parsed.automatic == Automatic.AUTO_REPLY
    assert parsed.bounce is None


def test_the_bounce_field_is_set_exactly_when_the_mail_is_a_bounce() -> None:
    for raw in (_mail(), _mail("Auto-Submitted: auto-replied"), _report("5.1.1", "failed", "message/rfc822")):
        parsed = parse_email(raw)
        assert (parsed.bounce is not None) == (parsed.automatic == Automatic.BOUNCE)
