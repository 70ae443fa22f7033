"""Callback API events replayed against POST /hooks/vk/ become ticket messages, or are stored and ignored."""

from __future__ import annotations

import json

import pytest
from django.utils.translation import gettext as _

from otvet.connectors.choices import InboundState
from otvet.connectors.models import InboundMessage
from otvet.connectors.vk.tests.conftest import CONFIRMATION, GROUP_ID, fixture
from otvet.customers.choices import IdentityKind
from otvet.customers.models import ContactIdentity
from otvet.tickets.choices import AuthorKind, Channel
from otvet.tickets.models import Ticket

pytestmark = pytest.mark.django_db

USER = "517253019"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"w" * 300
PDF = b"%PDF-1.4\n%%EOF\nxxx"


def test_the_confirmation_request_is_answered_with_the_community_string(client, community) -> None:
    response = client.post("/hooks/vk/", fixture("confirmation"), content_type="application/json")

    assert response.status_code == 200
    assert response.content.decode() == CONFIRMATION
    assert response["Content-Type"].startswith("text/plain")
    assert not InboundMessage.objects.exists()


def test_a_confirmation_for_an_unknown_community_is_refused(client, community) -> None:
    body = json.dumps({"type": "confirmation", "group_id": GROUP_ID + 1})
    assert client.post("/hooks/vk/", body, content_type="application/json").status_code == 403


def test_a_private_text_opens_a_vk_ticket_and_is_answered_ok(post_event, community) -> None:
    response = post_event("message_new_text")

    assert (response.status_code, response.content) == (200, b"ok")
    row = InboundMessage.objects.get()
    assert (row.state, row.kind, row.chat_id, row.sender_id) == (InboundState.PROCESSED, "message_new", USER, USER)
    assert row.dedupe_key == f"vk:{community.pk}:3f1c1d4b7e2a9c0d5e6f7a8b9c0d1e2f3a4b5c6d"
    ticket = Ticket.objects.get(pk=row.ticket_id)
    assert ticket.channel == Channel.VK
    assert ticket.subject == "Здравствуйте! Не могу оплатить заказ 1042"
    message = ticket.messages.get()
    assert message.author_kind == AuthorKind.CUSTOMER
    assert "Карта отклоняется с ошибкой" in message.body_text
    assert message.external_id == f"{community.pk}:{USER}:1845"
    assert ContactIdentity.objects.get(kind=IdentityKind.VK, value=USER).contact == ticket.requester


@pytest.mark.parametrize("secret", ["wrong", ""])
def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_stored(post_event, secret) -> None:
    response = post_event("message_new_text", secret=secret)

    assert response.status_code == 403
    assert not InboundMessage.objects.exists()
    assert not Ticket.objects.exists()


def test_the_same_event_delivered_twice_is_stored_and_ingested_once(post_event) -> None:
    post_event("message_new_text")
    assert post_event("message_new_text").content == b"ok"
    assert InboundMessage.objects.count() == 1
    assert Ticket.objects.get().messages.count() == 1


def test_an_event_without_event_id_is_deduplicated_by_its_message_id(
    client, community, vk_api, django_capture_on_commit_callbacks
) -> None:
    event = json.loads(fixture("message_new_text"))
    del event["event_id"]
    with django_capture_on_commit_callbacks(execute=True):
        for _time in range(2):
            client.post("/hooks/vk/", json.dumps(event), content_type="application/json")
    assert InboundMessage.objects.get().dedupe_key == f"vk:{community.pk}:message_new:1845"
    assert Ticket.objects.get().messages.count() == 1


def test_a_photo_is_fetched_in_its_largest_size(post_event, vk_api) -> None:
    vk_api.files["/impg/w.jpg"] = JPEG
    post_event("message_new_photo")

    message = Ticket.objects.get().messages.get()
    [attachment] = message.attachments.all()
    assert message.body_text == "Вот скриншот ошибки"
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "photo_1846_1.jpg",
        "image/jpeg",
        len(JPEG),
    )


def test_a_document_and_a_voice_message_become_attachments_on_the_same_ticket(post_event, vk_api) -> None:
    vk_api.files["/doc517253019_672938112"] = PDF
    vk_api.files["/audio/672938150.ogg"] = b"OggS\x00\x02" + b"\x00" * 60
    post_event("message_new_doc")
    post_event("message_new_audio")

    ticket = Ticket.objects.get()
    first, second = ticket.messages.order_by("created_at", "id")
    assert [(a.filename, a.size) for a in first.attachments.all()] == [("выписка-ноябрь.pdf", len(PDF))]
    assert [(a.filename, a.content_type) for a in second.attachments.all()] == [
        ("audio_message_1848_1.ogg", "audio/ogg")
    ]
    assert second.body_text == _("(no text)")


def test_a_file_vk_no_longer_serves_fails_the_event_visibly(post_event) -> None:
    post_event("message_new_doc")  # the local server has no such file: 404

    row = InboundMessage.objects.get()
    assert row.state == InboundState.FAILED
    assert "HTTP 404" in row.error
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("name", ["message_edit", "message_reply", "group_join", "message_new_chat"])
def test_events_that_are_not_new_customer_messages_are_stored_and_ignored(post_event, name) -> None:
    response = post_event(name)

    assert (response.status_code, response.content) == (200, b"ok")
    row = InboundMessage.objects.get()
    assert row.state == InboundState.IGNORED
    assert row.reason
    assert row.kind == name.replace("_chat", "")
    assert not Ticket.objects.exists()


def test_an_inactive_community_is_refused(post_event, community) -> None:
    community.is_active = False
    community.save(update_fields=["is_active"])
    assert post_event("message_new_text").status_code == 403
    assert not InboundMessage.objects.exists()
