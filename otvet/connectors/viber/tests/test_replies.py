"""Agents' public replies reach send_message for the customer; failures are permanent or retried; delivered and
failed callbacks change the delivery's state."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.base import ContentFile

from otvet.accounts.factories import AgentFactory
from otvet.connectors.choices import DeliveryState, InboundState
from otvet.connectors.models import Delivery, InboundMessage
from otvet.connectors.tasks import send_delivery
from otvet.connectors.viber.tests.conftest import TOKEN, USER
from otvet.tickets.access import Actor
from otvet.tickets.models import Ticket
from otvet.tickets.services.attachments import attachment_upload
from otvet.tickets.services.messages import ticket_reply

pytestmark = pytest.mark.django_db

TEXT = "Курьер будет у вас сегодня до 18:00."
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


@pytest.fixture
def agent() -> Actor:
    agent = AgentFactory()
    return Actor(user=agent.user, agent=agent)


@pytest.fixture
def ticket(post_callback) -> Ticket:
    post_callback("message_text")
    return Ticket.objects.get()


def reply(ticket: Ticket, agent: Actor, capture, **extra):
    with capture(execute=True):
        return ticket_reply(ticket=ticket, actor=agent, body=TEXT, **extra)


def test_an_agent_reply_reaches_send_message_for_the_customer(
    ticket, agent, viber_bot, viber_api, django_capture_on_commit_callbacks
) -> None:
    message = reply(ticket, agent, django_capture_on_commit_callbacks)

    [call] = viber_api.called("send_message")
    assert call.auth == TOKEN
    assert call.body == {"receiver": USER, "sender": {"name": "Доставка"}, "type": "text", "text": TEXT}
    delivery = Delivery.objects.get(message=message)
    assert (delivery.channel, delivery.state, delivery.recipients) == ("viber", DeliveryState.SENT, [USER])
    assert delivery.external_id == f"{viber_bot.pk}:{USER}:{viber_api.next_token}"


def test_a_picture_goes_as_a_picture_message_and_another_file_as_a_file_message(
    ticket, agent, viber_api, client, django_capture_on_commit_callbacks
) -> None:
    files = [
        attachment_upload(actor=agent, file=ContentFile(PNG, name="map.png")),
        attachment_upload(actor=agent, file=ContentFile(b"step 1\n", name="howto.txt")),
    ]
    reply(ticket, agent, django_capture_on_commit_callbacks, attachments=files)

    text, picture, document = (call.body for call in viber_api.called("send_message"))
    assert text["type"] == "text"
    assert (picture["type"], picture["receiver"]) == ("picture", USER)
    assert (document["type"], document["file_name"], document["size"]) == ("file", "howto.txt", 7)
    path = "/" + picture["media"].split("/", 3)[3]
    assert b"".join(client.get(path).streaming_content) == PNG


@pytest.mark.parametrize(("status", "name"), [(6, "receiverNotSubscribed"), (5, "receiverNotRegistered")])
def test_a_receiver_who_cannot_get_it_fails_the_delivery_for_good(
    ticket, agent, viber_api, status, name, django_capture_on_commit_callbacks
) -> None:
    viber_api.script("send_message", 200, {"status": status, "status_message": name})
    message = reply(ticket, agent, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get(message=message)
    assert (delivery.state, delivery.last_error) == (DeliveryState.FAILED, f"send_message: {status} {name}")
    assert delivery.next_attempt_at is None


def test_other_statuses_and_server_errors_are_retried(
    ticket, agent, viber_api, django_capture_on_commit_callbacks
) -> None:
    viber_api.script("send_message", 200, {"status": 12, "status_message": "tooManyRequests"})
    message = reply(ticket, agent, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get(message=message)
    assert (delivery.state, delivery.attempts) == (DeliveryState.QUEUED, 1)
    assert "12 tooManyRequests" in delivery.last_error
    viber_api.script("send_message", 503, {})
    with time_machine.travel(delivery.next_attempt_at + dt.timedelta(seconds=1)):
        assert send_delivery.call_local(delivery.pk) == DeliveryState.QUEUED
    delivery.refresh_from_db()
    assert "HTTP 503" in delivery.last_error
    with time_machine.travel(delivery.next_attempt_at + dt.timedelta(seconds=1)):
        assert send_delivery.call_local(delivery.pk) == DeliveryState.SENT
    assert len(viber_api.called("send_message")) == 3


def _sent(ticket, agent, viber_api, capture) -> Delivery:
    message = reply(ticket, agent, capture)
    return Delivery.objects.get(message=message)


def test_a_delivered_callback_marks_the_delivery_delivered(
    ticket, agent, viber_api, post_callback, django_capture_on_commit_callbacks
) -> None:
    delivery = _sent(ticket, agent, viber_api, django_capture_on_commit_callbacks)
    token = str(viber_api.next_token)

    post_callback("delivered", token=token)
    post_callback("seen", token=token)

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED
    reports = InboundMessage.objects.filter(kind__in=["delivered", "seen"]).order_by("id")
    assert [r.state for r in reports] == [InboundState.PROCESSED, InboundState.PROCESSED]
    assert reports[0].dedupe_key.endswith(f":delivered:{token}")


def test_a_failed_callback_fails_the_delivery_with_viber_reason(
    ticket, agent, viber_api, post_callback, django_capture_on_commit_callbacks
) -> None:
    delivery = _sent(ticket, agent, viber_api, django_capture_on_commit_callbacks)

    post_callback("failed", token=str(viber_api.next_token))

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED
    assert "failure description" in delivery.last_error


def test_a_report_on_a_message_we_did_not_send_changes_nothing(
    ticket, agent, viber_api, post_callback, django_capture_on_commit_callbacks
) -> None:
    delivery = _sent(ticket, agent, viber_api, django_capture_on_commit_callbacks)

    post_callback("delivered", token="5491234567890000001")

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT
    assert InboundMessage.objects.get(kind="delivered").reason
