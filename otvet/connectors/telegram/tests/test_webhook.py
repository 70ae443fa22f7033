"""Updates replayed against POST /hooks/telegram/ become ticket messages, or are stored and ignored."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils.translation import gettext as _

from otvet.connectors.choices import InboundState
from otvet.connectors.messages import inbound_messages_stalled
from otvet.connectors.models import InboundMessage
from otvet.connectors.tasks import process_inbound_message
from otvet.connectors.telegram.tests.conftest import fixture
from otvet.connectors.telegram.webhook import telegram_update_store
from otvet.core import clock
from otvet.customers.choices import IdentityKind
from otvet.customers.models import ContactIdentity
from otvet.tickets.choices import AuthorKind, Channel
from otvet.tickets.models import Ticket

pytestmark = pytest.mark.django_db

CHAT = "385912740"


def test_a_private_text_opens_a_telegram_ticket_for_a_new_contact(post_update, bot_api) -> None:
    response = post_update(fixture("private_text"))

    assert response.status_code == 200
    row = InboundMessage.objects.get()
    assert (row.state, row.kind, row.chat_id, row.sender_id) == (InboundState.PROCESSED, "message", CHAT, CHAT)
    ticket = Ticket.objects.get(pk=row.ticket_id)
    assert ticket.channel == Channel.TELEGRAM
    assert ticket.subject == "Не приходят уведомления о заказах"
    assert ticket.requester.name == "Ольга Смирнова"
    message = ticket.messages.get()
    assert message.author_kind == AuthorKind.CUSTOMER
    assert "С утра ни одного письма" in message.body_text
    assert message.external_id == f"{row.account}:{CHAT}:101"
    assert ContactIdentity.objects.get(kind=IdentityKind.TELEGRAM, value=CHAT).contact == ticket.requester


def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_stored(post_update) -> None:
    assert post_update(fixture("private_text"), secret="guess").status_code == 403
    assert post_update(fixture("private_text"), secret=None).status_code == 403
    assert not InboundMessage.objects.exists()
    assert not Ticket.objects.exists()


def test_the_same_update_delivered_twice_is_stored_and_ingested_once(post_update, bot_api) -> None:
    post_update(fixture("private_text"))
    assert post_update(fixture("private_text")).status_code == 200
    assert InboundMessage.objects.count() == 1
    assert Ticket.objects.get().messages.count() == 1


def test_a_photo_keeps_its_largest_size_and_its_caption(post_update, bot_api) -> None:
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"x" * 200
    bot_api.files["AgACAgIAAxkBAAIBZ2_large"] = jpeg
    post_update(fixture("photo_caption"))

    message = Ticket.objects.get().messages.get()
    [attachment] = message.attachments.all()
    assert message.body_text == "Вот что показывает экран оплаты"
    assert (attachment.filename, attachment.content_type, attachment.size) == ("photo_102.jpg", "image/jpeg", len(jpeg))
    assert [call.params["file_id"] for call in bot_api.called("getFile")] == ["AgACAgIAAxkBAAIBZ2_large"]


def test_a_document_and_a_voice_message_become_attachments_on_the_same_ticket(post_update, bot_api) -> None:
    bot_api.files["BQACAgIAAxkBAAIBaGdoc"] = b"order;status\n1042;error\n"
    bot_api.files["AwACAgIAAxkBAAIBaWvoice"] = b"OggS\x00\x02" + b"\x00" * 60
    post_update(fixture("document"))
    post_update(fixture("voice"))

    ticket = Ticket.objects.get()
    first, second = ticket.messages.order_by("created_at", "id")
    assert [a.filename for a in first.attachments.all()] == ["export-2026-11.csv"]
    assert first.attachments.get().sha256
    assert [(a.filename, a.content_type) for a in second.attachments.all()] == [("104_voice.ogg", "audio/ogg")]
    assert second.body_text == _("(no text)")


def test_an_edited_message_is_appended_marked_edited(post_update, bot_api) -> None:
    post_update(fixture("private_text"))
    post_update(fixture("edited_message"))

    original, edit = Ticket.objects.get().messages.order_by("created_at", "id")
    assert edit.body_text == _("(edited)") + "\nНе приходят уведомления о заказах с 9 утра"
    assert edit.external_id == f"{original.external_id}:e1795000300"
    assert "С утра ни одного письма" in original.body_text  # what the agent read stays on record


@pytest.mark.parametrize("name", ["group_message", "channel_post", "callback_query", "my_chat_member"])
def test_updates_that_are_not_customer_messages_are_stored_and_ignored(post_update, bot_api, name) -> None:
    response = post_update(fixture(name))

    assert response.status_code == 200
    row = InboundMessage.objects.get()
    assert row.state == InboundState.IGNORED
    assert row.reason
    assert row.kind == name.replace("group_message", "message")
    assert not Ticket.objects.exists()


def test_a_body_that_is_not_json_is_stored_and_ignored(post_update, bot_api) -> None:
    assert post_update(b"{not json").status_code == 200
    row = InboundMessage.objects.get()
    assert row.state == InboundState.IGNORED
    assert row.raw == "{not json"


def test_a_file_telegram_no_longer_has_fails_the_update_visibly(post_update, bot_api) -> None:
    post_update(fixture("document"))  # the local server knows no such file_id: getFile answers 400

    row = InboundMessage.objects.get()
    assert row.state == InboundState.FAILED
    assert "invalid file_id" in row.error
    assert not Ticket.objects.exists()


def test_an_update_whose_job_was_lost_is_picked_up_by_the_sweep(bot, bot_api) -> None:
    row, created = telegram_update_store(bot=bot, body=fixture("private_text"))  # its on-commit job never runs
    assert created and inbound_messages_stalled() == []
    with time_machine.travel(clock.now() + dt.timedelta(minutes=3)):
        assert inbound_messages_stalled() == [row.pk]
        assert process_inbound_message.call_local(row.pk) == InboundState.PROCESSED
        assert process_inbound_message.call_local(row.pk) == InboundState.PROCESSED  # twice is harmless
    assert Ticket.objects.get().messages.count() == 1


def test_a_number_shared_as_ones_own_becomes_the_contacts_phone_identity(post_update, bot_api) -> None:
    post_update(fixture("shared_contact"))
    post_update(fixture("someone_elses_contact"))  # a colleague's card: kept in the message, not taken as theirs

    contact = ContactIdentity.objects.get(kind=IdentityKind.TELEGRAM, value=CHAT).contact
    assert list(contact.identities.filter(kind=IdentityKind.PHONE).values_list("value", flat=True)) == ["+79121234567"]
    contact.refresh_from_db()
    assert contact.phone == "+79121234567"
    assert "765-43-21" in Ticket.objects.get().messages.order_by("-id").first().body_text
