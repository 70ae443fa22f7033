"""Long polling stores updates like the webhook; the portal's deep link links a Telegram account to a contact."""

from __future__ import annotations

import json
import time

import pytest
from django.core.management import CommandError, call_command

from otvet.connectors.choices import InboundState
from otvet.connectors.models import InboundMessage, TelegramBot
from otvet.connectors.telegram.link import link_token_contact, link_token_make, telegram_connect_url
from otvet.connectors.telegram.setup import telegram_demo_bot
from otvet.connectors.telegram.tests.conftest import fixture
from otvet.customers.choices import IdentityKind
from otvet.customers.factories import ContactFactory
from otvet.customers.models import ContactIdentity
from otvet.tickets.models import Ticket

pytestmark = pytest.mark.django_db

CHAT = "385912740"


def test_polling_stores_each_update_once_and_moves_the_offset(bot, bot_api, django_capture_on_commit_callbacks) -> None:
    bot.polling = True
    bot.save()
    bot_api.updates = [json.loads(fixture("private_text")), json.loads(fixture("channel_post"))]

    with django_capture_on_commit_callbacks(execute=True):
        call_command("telegram_poll", "--once")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("telegram_poll", "--once")  # the server answers from the new offset: nothing again

    bot.refresh_from_db()
    assert bot.poll_offset == 731200008
    assert [c.params["offset"] for c in bot_api.called("getUpdates")] == [0, 731200008]
    assert sorted(InboundMessage.objects.values_list("state", flat=True)) == ["ignored", "processed"]
    assert Ticket.objects.get().subject == "Не приходят уведомления о заказах"


def test_polling_records_an_api_error_on_the_bot(bot, bot_api) -> None:
    bot_api.script("getUpdates", 409, {"ok": False, "error_code": 409, "description": "Conflict: webhook is active"})
    call_command("telegram_poll", "--once", "--bot", str(bot.pk))
    bot.refresh_from_db()
    assert "409 Conflict" in bot.last_error
    assert not InboundMessage.objects.exists()


def test_the_deep_link_links_the_telegram_account_to_the_portal_contact(post_update, bot, bot_api) -> None:
    contact = ContactFactory(name="Ольга Смирнова", email="olga@shop.ru")
    url = telegram_connect_url(contact)
    token = url.rpartition("start=")[2]
    assert url.startswith("https://t.me/otvet_support_bot?start=")
    assert len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()

    post_update(fixture("start_payload", token=token))

    assert ContactIdentity.objects.get(kind=IdentityKind.TELEGRAM, value=CHAT).contact == contact
    assert InboundMessage.objects.get().state == InboundState.PROCESSED
    [greeting] = bot_api.called("sendMessage")
    assert greeting.params["chat_id"] == CHAT
    post_update(fixture("private_text"))
    assert Ticket.objects.get().requester == contact  # the next message is the contact's request


def test_the_deep_link_moves_an_account_that_wrote_before_linking(post_update, bot, bot_api) -> None:
    post_update(fixture("private_text"))  # an unknown Telegram user: a new contact
    contact = ContactFactory(name="Ольга Смирнова")
    post_update(fixture("start_payload", token=link_token_make(contact)))
    assert ContactIdentity.objects.get(kind=IdentityKind.TELEGRAM, value=CHAT).contact == contact


def test_a_forged_or_expired_token_links_nothing(post_update, bot, bot_api) -> None:
    contact = ContactFactory()
    good = link_token_make(contact)
    forged = good[:-3] + ("aaa" if not good.endswith("aaa") else "bbb")
    old = link_token_make(contact, at=int(time.time()) - 2 * 24 * 3600)

    assert link_token_contact(good) == contact
    assert link_token_contact(forged) is None
    assert link_token_contact(old) is None
    post_update(fixture("start_payload", token=forged))
    assert InboundMessage.objects.get().state == InboundState.IGNORED
    assert not ContactIdentity.objects.filter(kind=IdentityKind.TELEGRAM).exists()


def test_the_portal_preferences_page_offers_the_link_to_a_customer(client, world, bot) -> None:
    client.force_login(world.users["customer"])
    page = client.get("/preferences/").content.decode()
    assert "https://t.me/otvet_support_bot?start=" in page


def test_the_demo_bot_has_the_documented_token_and_secret(db) -> None:
    telegram_demo_bot()
    telegram_demo_bot()  # running the demo again changes nothing
    bot = TelegramBot.objects.get()
    assert (bot.token, bot.webhook_secret, bot.is_active) == ("demo-token", "demo-secret", True)


def test_registering_the_webhook_sends_our_hook_and_secret_and_learns_the_username(bot, bot_api) -> None:
    bot.polling = True
    bot.save()
    bot_api.script("getMe", 200, {"ok": True, "result": {"id": 1, "is_bot": True, "username": "otvet_help_bot"}})

    call_command("telegram_webhook", "--site-url", "https://help.example.ru/")

    [registered] = bot_api.called("setWebhook")
    assert registered.params["url"] == "https://help.example.ru/hooks/telegram/"
    assert registered.params["secret_token"] == bot.webhook_secret
    bot.refresh_from_db()
    assert (bot.username, bot.polling) == ("otvet_help_bot", False)


def test_a_refused_registration_is_an_error_that_says_why(bot, bot_api) -> None:
    bot_api.script("getMe", 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    with pytest.raises(CommandError, match="Unauthorized"):
        call_command("telegram_webhook")
