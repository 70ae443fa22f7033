"""Replies and notifications leave by SMTP, threaded, and come back onto the same ticket; failures are recorded."""

from __future__ import annotations

import pytest
from django.test import override_settings

from otvet.connectors.choices import DeliveryPurpose, DeliveryState
from otvet.connectors.email.send import delivery_send
from otvet.connectors.email.threading import ticket_token
from otvet.connectors.models import Delivery, EmailTemplate
from otvet.connectors.tests.conftest import build_mail
from otvet.core import clock
from otvet.tickets.choices import Channel
from otvet.tickets.models import Status
from otvet.tickets.services.messages import ticket_reply
from otvet.tickets.services.workflow import ticket_change_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(smtp_capture):
    """Django's SMTP backend pointed at the capturing server, as EMAIL_URL=smtp://... would."""
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST=smtp_capture.host,
        EMAIL_PORT=smtp_capture.port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
    ):
        yield smtp_capture


def test_a_mail_ticket_is_confirmed_with_an_auto_submitted_notification(receive, smtp) -> None:
    row = receive(build_mail(message_id="<first@client.ru>"))
    [mail] = smtp.wait_for(1)
    message = mail.message

    assert mail.rcpt_tos == ("ivan@client.ru",)
    assert message["Auto-Submitted"] == "auto-replied"
    assert message["In-Reply-To"] == "<first@client.ru>"
    assert f"[#{row.ticket_id}]" in message["Subject"]
    assert f"#{row.ticket_id}" in message.get_body(("plain",)).get_content()
    assert Delivery.objects.get(ticket=row.ticket).purpose == DeliveryPurpose.NOTIFICATION


def test_no_confirmation_goes_to_an_automatic_sender(receive, smtp) -> None:
    row = receive(build_mail(sender="noreply@shop.ru", subject="Ваш заказ"))
    assert row.ticket_id is not None
    assert not Delivery.objects.filter(ticket=row.ticket).exists()


def test_an_agent_reply_arrives_threaded_and_the_customer_answer_comes_back_to_the_ticket(
    receive, smtp, world, committed
) -> None:
    row = receive(
        build_mail(message_id="<ask@client.ru>", cc="olga@client.ru", attachments=[("log.txt", b"err", "text/plain")])
    )
    smtp.wait_for(1)
    agent = world.actor("agent")
    with committed():
        reply = ticket_reply(ticket=row.ticket, actor=agent, body="Проверьте, пожалуйста, настройки обмена.")
    mail = smtp.wait_for(2)[1]
    sent = mail.message
    delivery = Delivery.objects.get(message=reply)

    assert delivery.state == DeliveryState.SENT
    assert sent["Message-ID"] == f"<{delivery.external_id}>"
    assert sent["In-Reply-To"] == "<ask@client.ru>"
    assert "<ask@client.ru>" in sent["References"]
    assert sent["Subject"].strip() == f"Re: Не работает выгрузка в 1С [#{row.ticket_id}]"
    assert ticket_token(row.ticket_id) in sent["Reply-To"]
    assert sent["Auto-Submitted"] is None  # a person wrote it
    assert set(mail.rcpt_tos) == {"ivan@client.ru", "olga@client.ru"}
    assert "Проверьте, пожалуйста" in sent.get_body(("plain",)).get_content()
    assert "Проверьте, пожалуйста" in sent.get_body(("html",)).get_content()

    answer = receive(build_mail(subject=sent["Subject"], in_reply_to=sent["Message-ID"], body="Спасибо, помогло!"))
    assert answer.ticket_id == row.ticket_id
    assert answer.message.channel == Channel.EMAIL


def test_an_agent_reply_carries_the_message_attachments(receive, smtp, world, committed) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from otvet.tickets.services.attachments import attachment_upload

    row = receive(build_mail())
    smtp.wait_for(1)
    agent = world.actor("agent")
    upload = attachment_upload(actor=agent, file=SimpleUploadedFile("инструкция.pdf", b"%PDF-1.4 manual"))
    with committed():
        ticket_reply(ticket=row.ticket, actor=agent, body="Инструкция во вложении.", attachments=[upload])
    sent = smtp.wait_for(2)[1].message
    [part] = list(sent.iter_attachments())
    assert part.get_filename() == "инструкция.pdf"
    assert part.get_content() == b"%PDF-1.4 manual"


def test_a_solved_notification_uses_the_editable_template_in_the_customer_language(
    receive, smtp, world, committed
) -> None:
    EmailTemplate.objects.filter(code="ticket_solved", language="ru").update(
        subject="Готово: {{ ticket.subject }}", body="{{ customer.name }}, заявка {{ ticket.number }} решена."
    )
    row = receive(build_mail())
    smtp.wait_for(1)
    with committed():
        ticket_change_status(ticket=row.ticket, actor=world.actor("agent"), status=Status.objects.get(code="done"))
    sent = smtp.wait_for(2)[1].message
    assert sent["Subject"].strip() == f"Готово: Не работает выгрузка в 1С [#{row.ticket_id}]"
    assert sent.get_body(("plain",)).get_content().strip() == f"Иван Петров, заявка {row.ticket_id} решена."
    assert sent["Auto-Submitted"] == "auto-generated"


def test_a_portal_ticket_without_email_preference_sends_nothing(world, smtp, committed) -> None:
    with committed():
        ticket_reply(ticket=world.ticket_customer, actor=world.actor("agent"), body="Ответ в кабинете")
    assert not Delivery.objects.exists()
    assert smtp.messages == []


def test_a_temporary_refusal_is_retried_later_and_then_sent(receive, smtp, world, committed) -> None:
    row = receive(build_mail())
    smtp.wait_for(1)
    smtp.reject_next(451)
    with committed():
        reply = ticket_reply(ticket=row.ticket, actor=world.actor("agent"), body="Ответ")
    delivery = Delivery.objects.get(message=reply)
    assert delivery.state == DeliveryState.QUEUED
    assert delivery.attempts == 1
    assert delivery.last_error.startswith("451")
    assert delivery_send(delivery.pk) == DeliveryState.QUEUED  # not due yet: nothing is sent twice at once

    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=clock.now())
    assert delivery_send(delivery.pk) == DeliveryState.SENT
    assert len(smtp.wait_for(2)) == 2


def test_a_permanent_refusal_fails_the_delivery_with_the_reason(receive, smtp, world, committed) -> None:
    row = receive(build_mail())
    smtp.wait_for(1)
    smtp.reject_next(550, stage="RCPT", text="5.1.1 User unknown")
    with committed():
        reply = ticket_reply(ticket=row.ticket, actor=world.actor("agent"), body="Ответ")
    delivery = Delivery.objects.get(message=reply)
    assert delivery.state == DeliveryState.FAILED
    assert "550" in delivery.last_error and "User unknown" in delivery.last_error


def test_a_bounce_of_our_reply_fails_the_delivery_and_tells_the_agents(receive, smtp, world, committed) -> None:
    row = receive(build_mail())
    smtp.wait_for(1)
    with committed():
        reply = ticket_reply(ticket=row.ticket, actor=world.actor("agent"), body="Ответ")
    delivery = Delivery.objects.get(message=reply)
    bounce = (
        "From: MAILER-DAEMON@mx.client.ru\r\nTo: support@example.com\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <bounce-1@mx.client.ru>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nThis is the mail system. Your message could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.client.ru\r\n\r\n"
        "Final-Recipient: rfc822; ivan@client.ru\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
        f"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{delivery.external_id}>\r\nSubject: Re\r\n"
        "--B--\r\n"
    ).encode()
    row_bounce = receive(bounce)
    delivery.refresh_from_db()
    assert row_bounce.ticket_id == row.ticket_id
    assert delivery.state == DeliveryState.FAILED
    assert "5.1.1" in delivery.last_error
    assert row_bounce.message.kind == "note"
    assert len(smtp.messages) == 2  # nothing answers a bounce
