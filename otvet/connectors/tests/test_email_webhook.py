"""Inbound mail from an email provider's webhook (Postmark's payload, through django-anymail)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from django.test import override_settings

from otvet.connectors.choices import InboundSource, InboundState
from otvet.connectors.models import InboundEmail

pytestmark = pytest.mark.django_db

PAYLOAD = (Path(__file__).parent / "fixtures" / "postmark_inbound.json").read_text(encoding="utf-8")
AUTH = "Basic " + base64.b64encode(b"otvet:hook-secret").decode()


@pytest.fixture
def webhook(settings, mailbox, committed):
    settings.ROOT_URLCONF = "otvet.connectors.tests.anymail_urls"

    def post(payload: str = PAYLOAD, auth: str = AUTH):
        with committed(), override_settings(ANYMAIL={"WEBHOOK_SECRET": "otvet:hook-secret"}):
            return client_post(payload, auth)

    return post


def client_post(payload: str, auth: str):
    from django.test import Client

    return Client().post(
        "/anymail/postmark/inbound/", data=payload, content_type="application/json", HTTP_AUTHORIZATION=auth
    )


def test_a_provider_webhook_mail_becomes_a_ticket_with_its_attachment(webhook) -> None:
    response = webhook()
    assert response.status_code == 200
    row = InboundEmail.objects.get()
    assert row.source == InboundSource.WEBHOOK
    assert row.state == InboundState.PROCESSED
    assert row.ticket.subject == "Не приходят уведомления о платежах"
    assert row.ticket.requester.email == "maria@client.ru"
    assert [a.filename for a in row.message.attachments.all()] == ["скриншот.png"]


def test_the_same_webhook_delivered_twice_makes_one_ticket(webhook) -> None:
    webhook()
    webhook()
    assert InboundEmail.objects.count() == 1


def test_a_webhook_without_the_secret_is_refused_and_stores_nothing(webhook) -> None:
    response = webhook(auth="Basic " + base64.b64encode(b"otvet:wrong").decode())
    assert response.status_code == 400
    assert not InboundEmail.objects.exists()


def test_a_webhook_for_an_address_we_do_not_serve_stores_nothing(webhook) -> None:
    payload = json.loads(PAYLOAD)
    payload["ToFull"] = [{"Email": "sales@elsewhere.com", "Name": "", "MailboxHash": ""}]
    payload["OriginalRecipient"] = "sales@elsewhere.com"
    assert webhook(json.dumps(payload)).status_code == 200
    assert not InboundEmail.objects.exists()
