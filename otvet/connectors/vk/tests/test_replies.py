"""Agents' public replies reach messages.send in the customer's dialogue; failures are permanent or retried."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.base import ContentFile

from otvet.accounts.factories import AgentFactory
from otvet.connectors.choices import DeliveryState, InboundState
from otvet.connectors.models import Delivery, InboundMessage
from otvet.connectors.tasks import send_delivery
from otvet.connectors.vk.send import random_id
from otvet.connectors.vk.tests.conftest import TOKEN
from otvet.tickets.access import Actor
from otvet.tickets.models import Ticket
from otvet.tickets.services.attachments import attachment_upload
from otvet.tickets.services.messages import ticket_reply

pytestmark = pytest.mark.django_db

USER = "517253019"
TEXT = "Проверили: платёж прошёл, заказ 1042 оплачен."
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


@pytest.fixture
def agent() -> Actor:
    agent = AgentFactory()
    return Actor(user=agent.user, agent=agent)


@pytest.fixture
def ticket(post_event) -> Ticket:
    post_event("message_new_text")
    return Ticket.objects.get()


def reply(ticket: Ticket, agent: Actor, capture, body: str = TEXT, **extra):
    with capture(execute=True):
        return ticket_reply(ticket=ticket, actor=agent, body=body, **extra)


def test_an_agent_reply_reaches_messages_send_in_the_customer_dialogue(
    ticket, agent, community, vk_api, settings, django_capture_on_commit_callbacks
) -> None:
    message = reply(ticket, agent, django_capture_on_commit_callbacks)

    [call] = vk_api.called("messages.send")
    delivery = Delivery.objects.get(message=message)
    assert call.params == {
        "peer_id": USER,
        "message": TEXT,
        "random_id": str(random_id(delivery.key, 0)),
        "access_token": TOKEN,
        "v": settings.VK_API_VERSION,
    }
    assert (delivery.channel, delivery.state, delivery.recipients) == ("vk", DeliveryState.SENT, [USER])
    assert delivery.external_id == f"{community.pk}:{USER}:{vk_api.next_message_id}"


def test_files_of_a_reply_are_sent_as_signed_links_that_serve_them_without_a_login(
    ticket, agent, vk_api, client, django_capture_on_commit_callbacks
) -> None:
    upload = attachment_upload(actor=agent, file=ContentFile(PNG, name="screen.png"))
    reply(ticket, agent, django_capture_on_commit_callbacks, attachments=[upload])

    text = vk_api.called("messages.send")[0].params["message"]
    assert text.startswith(TEXT + "\n\n")
    link = text.rsplit("screen.png: ", 1)[1]
    assert link.startswith("http://") and "/hooks/files/" in link
    path = "/" + link.split("/", 3)[3]
    response = client.get(path)
    assert (response.status_code, b"".join(response.streaming_content)) == (200, PNG)
    assert client.get(path.replace("/screen.png", "/other.png")).status_code == 404
    assert client.get(path.replace("/hooks/files/", "/hooks/files/x")).status_code == 404


def test_a_reply_to_a_user_who_forbade_messages_fails_for_good_with_the_reason(
    ticket, agent, vk_api, django_capture_on_commit_callbacks
) -> None:
    vk_api.script(
        "messages.send",
        200,
        {"error": {"error_code": 901, "error_msg": "Can't send messages for users without permission"}},
    )
    message = reply(ticket, agent, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get(message=message)
    assert delivery.state == DeliveryState.FAILED
    assert delivery.last_error == "messages.send: 901 Can't send messages for users without permission"
    assert delivery.next_attempt_at is None


@pytest.mark.parametrize("code", [7, 15])
def test_permission_errors_are_permanent_too(ticket, agent, vk_api, code, django_capture_on_commit_callbacks) -> None:
    vk_api.script(
        "messages.send",
        200,
        {"error": {"error_code": code, "error_msg": "Permission to perform this action is denied"}},
    )
    message = reply(ticket, agent, django_capture_on_commit_callbacks)
    assert Delivery.objects.get(message=message).state == DeliveryState.FAILED


def test_rate_limits_and_server_errors_are_retried_and_a_retry_reuses_its_random_id(
    ticket, agent, vk_api, django_capture_on_commit_callbacks
) -> None:
    vk_api.script("messages.send", 200, {"error": {"error_code": 6, "error_msg": "Too many requests per second"}})
    message = reply(ticket, agent, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get(message=message)
    assert (delivery.state, delivery.attempts) == (DeliveryState.QUEUED, 1)
    assert "6 Too many requests per second" in delivery.last_error

    vk_api.script("messages.send", 500, {})
    vk_api.script("messages.send", 200, {"error": {"error_code": 10, "error_msg": "Internal server error"}})
    with time_machine.travel(delivery.next_attempt_at + dt.timedelta(seconds=1)):
        assert send_delivery.call_local(delivery.pk) == DeliveryState.QUEUED
    delivery.refresh_from_db()
    with time_machine.travel(delivery.next_attempt_at + dt.timedelta(seconds=1)):
        assert send_delivery.call_local(delivery.pk) == DeliveryState.QUEUED
    delivery.refresh_from_db()
    with time_machine.travel(delivery.next_attempt_at + dt.timedelta(seconds=1)):
        assert send_delivery.call_local(delivery.pk) == DeliveryState.SENT

    calls = vk_api.called("messages.send")
    assert len(calls) == 4
    assert {call.params["random_id"] for call in calls} == {str(random_id(delivery.key, 0))}
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_error) == (4, "")


def test_a_network_failure_is_temporary(ticket, agent, vk_api, settings, django_capture_on_commit_callbacks) -> None:
    settings.VK_API_URL = "http://127.0.0.1:9/method"  # nothing listens on the discard port
    message = reply(ticket, agent, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get(message=message)
    assert delivery.state == DeliveryState.QUEUED
    assert "ConnectError" in delivery.last_error


def test_random_ids_are_stable_per_part_and_fit_in_int32() -> None:
    assert random_id("vk:reply:7", 0) == random_id("vk:reply:7", 0)
    assert random_id("vk:reply:7", 0) != random_id("vk:reply:7", 1)
    assert 0 < random_id("vk:reply:8", 0) < 2**31


def test_our_own_echo_does_not_become_a_customer_message(
    ticket, agent, post_event, django_capture_on_commit_callbacks
) -> None:
    reply(ticket, agent, django_capture_on_commit_callbacks)
    post_event("message_reply")  # VK's echo of the reply we just sent

    assert ticket.messages.count() == 2
    assert InboundMessage.objects.get(kind="message_reply").state == InboundState.IGNORED
