"""Viber callbacks replayed against POST /hooks/viber/ become ticket messages, or are stored and ignored."""

from __future__ import annotations

import pytest

from otvet.connectors.choices import InboundState
from otvet.connectors.models import InboundMessage
from otvet.connectors.viber.tests.conftest import USER
from otvet.customers.choices import IdentityKind
from otvet.customers.models import ContactIdentity
from otvet.tickets.choices import AuthorKind, Channel
from otvet.tickets.models import Ticket

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"p" * 300
PDF = b"%PDF-1.4\n%%EOF\nxxx"


def test_the_webhook_check_is_answered_200_and_stored(post_callback) -> None:
    response = post_callback("webhook")

    assert response.status_code == 200
    row = InboundMessage.objects.get()
    assert (row.kind, row.state) == ("webhook", InboundState.IGNORED)


def test_viber_is_disabled_by_default_and_its_hook_answers_404(post_callback, settings) -> None:
    settings.VIBER_ENABLED = False
    assert post_callback("message_text").status_code == 404
    assert not InboundMessage.objects.exists()


@pytest.mark.parametrize("how", ["wrong key", "unsigned"])
def test_a_wrong_or_missing_signature_is_refused_and_nothing_is_stored(post_callback, how) -> None:
    response = post_callback("message_text", key="another-bot-token", signed=how != "unsigned")

    assert response.status_code == 403
    assert not InboundMessage.objects.exists()
    assert not Ticket.objects.exists()


def test_a_text_message_opens_a_viber_ticket_for_a_new_contact(post_callback, viber_bot) -> None:
    assert post_callback("message_text").status_code == 200

    row = InboundMessage.objects.get()
    assert (row.state, row.kind, row.chat_id, row.sender_id) == (InboundState.PROCESSED, "message", USER, USER)
    assert row.dedupe_key == f"viber:{viber_bot.pk}:message:5491234567890123510"
    ticket = Ticket.objects.get(pk=row.ticket_id)
    assert ticket.channel == Channel.VIBER
    assert ticket.subject == "Добрый день! Курьер не привёз заказ 2291"
    assert ticket.requester.name == "Марина Кузнецова"
    message = ticket.messages.get()
    assert message.author_kind == AuthorKind.CUSTOMER
    assert message.external_id == f"{viber_bot.pk}:5491234567890123510"
    assert ContactIdentity.objects.get(kind=IdentityKind.VIBER, value=USER).contact == ticket.requester


def test_the_same_callback_delivered_twice_is_stored_and_ingested_once(post_callback) -> None:
    post_callback("message_text")
    assert post_callback("message_text").status_code == 200
    assert InboundMessage.objects.count() == 1
    assert Ticket.objects.get().messages.count() == 1


def test_a_picture_and_a_file_become_attachments_on_the_same_ticket(post_callback, viber_api) -> None:
    viber_api.files["/viber-media/picture/5491234567890123511.jpg"] = JPEG
    viber_api.files["/viber-media/file/5491234567890123512"] = PDF
    post_callback("message_picture")
    post_callback("message_file")

    first, second = Ticket.objects.get().messages.order_by("created_at", "id")
    assert first.body_text == "Вот трек-номер"
    assert [(a.filename, a.content_type, a.size) for a in first.attachments.all()] == [
        ("IMG_20261202_101500.jpg", "image/jpeg", len(JPEG))
    ]
    assert [(a.filename, a.size) for a in second.attachments.all()] == [("накладная-2291.pdf", len(PDF))]


def test_a_media_url_that_is_gone_fails_the_callback_visibly(post_callback) -> None:
    post_callback("message_file")

    row = InboundMessage.objects.get()
    assert row.state == InboundState.FAILED
    assert "HTTP 404" in row.error


@pytest.mark.parametrize("name", ["conversation_started", "subscribed", "unsubscribed", "message_sticker"])
def test_callbacks_that_are_not_requests_are_stored_and_ignored(post_callback, name) -> None:
    response = post_callback(name)

    assert response.status_code == 200
    row = InboundMessage.objects.get()
    assert (row.state, row.kind) == (InboundState.IGNORED, name.replace("_sticker", ""))
    assert row.reason
    assert not Ticket.objects.exists()


def test_conversation_started_is_answered_with_the_welcome_message_when_the_bot_has_one(
    post_callback, viber_bot
) -> None:
    viber_bot.welcome_text = "Здравствуйте! Напишите номер заказа и вопрос."
    viber_bot.save(update_fields=["welcome_text"])

    response = post_callback("conversation_started")

    assert response.json() == {"sender": {"name": "Доставка"}, "type": "text", "text": viber_bot.welcome_text}
    assert InboundMessage.objects.get().chat_id == USER
    assert post_callback("subscribed").json() == {"ok": True}  # only conversation_started carries it
