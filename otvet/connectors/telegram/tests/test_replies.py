"""Agents' public replies reach the Bot API in the customer's chat; failures are permanent or retried."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.base import ContentFile

from otvet.accounts.factories import AgentFactory
from otvet.connectors.choices import DeliveryState
from otvet.connectors.models import Delivery
from otvet.connectors.tasks import send_delivery
from otvet.connectors.telegram.tests.conftest import fixture
from otvet.core import clock
from otvet.tickets.access import Actor
from otvet.tickets.models import Ticket
from otvet.tickets.services.attachments import attachment_upload
from otvet.tickets.services.messages import ticket_add_note, ticket_reply

pytestmark = pytest.mark.django_db

CHAT = "385912740"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


@pytest.fixture
def agent() -> Actor:
    agent = AgentFactory()
    return Actor(user=agent.user, agent=agent)


@pytest.fixture
def ticket(post_update, bot_api) -> Ticket:
    post_update(fixture("private_text"))
    return Ticket.objects.get()


def reply(ticket: Ticket, agent: Actor, capture, body: str = "Проверили: уведомления снова уходят.", **extra):
    with capture(execute=True):
        return ticket_reply(ticket=ticket, actor=agent, body=body, **extra)


def test_an_agent_reply_reaches_send_message_in_the_customer_chat(
    ticket, agent, bot_api, django_capture_on_commit_callbacks
) -> None:
    message = reply(ticket, agent, django_capture_on_commit_callbacks)

    [call] = bot_api.called("sendMessage")
    assert call.params == {"chat_id": CHAT, "text": "Проверили: уведомления снова уходят."}
    delivery = Delivery.objects.get(message=message)
    assert (delivery.channel, delivery.state, delivery.recipients) == ("telegram", DeliveryState.SENT, [CHAT])
    assert delivery.external_id == f"{delivery.external_id.split(':')[0]}:{CHAT}:{bot_api.next_message_id}"


def test_a_reply_with_a_photo_and_a_document_uses_send_photo_and_send_document(
    ticket, agent, bot_api, django_capture_on_commit_callbacks
) -> None:
    files = [
        attachment_upload(actor=agent, file=ContentFile(PNG, name="screen.png")),
        attachment_upload(actor=agent, file=ContentFile(b"step 1\nstep 2\n", name="howto.txt")),
    ]
    reply(ticket, agent, django_capture_on_commit_callbacks, attachments=files)

    assert [call.method for call in bot_api.calls if call.method.startswith("send")] == [
        "sendMessage",
        "sendPhoto",
        "sendDocument",
    ]
    photo = bot_api.called("sendPhoto")[0]
    assert photo.params["chat_id"] == CHAT
    assert photo.files["photo"] == ("screen.png", PNG)
    assert bot_api.called("sendDocument")[0].files["document"] == ("howto.txt", b"step 1\nstep 2\n")


def test_internal_notes_are_never_sent(ticket, agent, bot_api, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ticket_add_note(ticket=ticket, actor=agent, body="Клиент из VIP-списка")
    assert not bot_api.called("sendMessage")
    assert not Delivery.objects.exists()


def test_a_blocked_bot_fails_the_delivery_for_good_with_the_reason(
    ticket, agent, bot_api, django_capture_on_commit_callbacks
) -> None:
    bot_api.script(
        "sendMessage", 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
    )
    message = reply(ticket, agent, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get(message=message)
    assert delivery.state == DeliveryState.FAILED
    assert delivery.last_error == "sendMessage: 403 Forbidden: bot was blocked by the user"
    assert delivery.next_attempt_at is None


def test_chat_not_found_is_permanent_too(ticket, agent, bot_api, django_capture_on_commit_callbacks) -> None:
    bot_api.script("sendMessage", 400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"})
    message = reply(ticket, agent, django_capture_on_commit_callbacks)
    assert Delivery.objects.get(message=message).state == DeliveryState.FAILED


def test_flood_control_and_server_errors_are_retried_later_without_resending_what_went_out(
    ticket, agent, bot_api, django_capture_on_commit_callbacks
) -> None:
    upload = attachment_upload(actor=agent, file=ContentFile(PNG, name="screen.png"))
    bot_api.script(
        "sendPhoto",
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 600",
            "parameters": {"retry_after": 600},
        },
    )
    message = reply(ticket, agent, django_capture_on_commit_callbacks, attachments=[upload])

    delivery = Delivery.objects.get(message=message)
    assert delivery.state == DeliveryState.QUEUED
    assert delivery.attempts == 1
    assert "429" in delivery.last_error
    assert delivery.next_attempt_at >= clock.now() + dt.timedelta(seconds=590)  # Telegram's retry_after wins

    bot_api.script("sendPhoto", 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
    with time_machine.travel(delivery.next_attempt_at + dt.timedelta(seconds=1)):
        assert send_delivery.call_local(delivery.pk) == DeliveryState.QUEUED
    with time_machine.travel(delivery.next_attempt_at + dt.timedelta(hours=1)):
        assert send_delivery.call_local(delivery.pk) == DeliveryState.SENT

    assert len(bot_api.called("sendMessage")) == 1  # the text went out once, before the photo failed
    assert len(bot_api.called("sendPhoto")) == 3
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_error, len(delivery.external_id.split(","))) == (3, "", 2)


def test_a_network_failure_is_temporary(ticket, agent, bot_api, settings, django_capture_on_commit_callbacks) -> None:
    settings.TELEGRAM_API_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    message = reply(ticket, agent, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get(message=message)
    assert delivery.state == DeliveryState.QUEUED
    assert "ConnectError" in delivery.last_error


def test_a_reply_goes_by_the_channel_of_the_customer_latest_message(
    ticket, agent, bot_api, django_capture_on_commit_callbacks
) -> None:
    customer = Actor(contact=ticket.requester)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(ticket=ticket, actor=customer, body="Напишу из личного кабинета", channel="portal")
    reply(ticket, agent, django_capture_on_commit_callbacks)

    assert not bot_api.called("sendMessage")
    assert not Delivery.objects.filter(channel="telegram").exists()
