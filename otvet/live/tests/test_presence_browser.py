"""Two agents open one ticket in two browsers (Debian's Chromium) and see each other, live, over the ASGI server."""

from __future__ import annotations

import pytest
from django.test import Client

from otvet.accounts.choices import Role
from otvet.accounts.factories import AgentFactory, UserFactory
from otvet.customers.factories import ContactFactory
from otvet.testing.browser import screenshot
from otvet.tickets.access import actor_for_user
from otvet.tickets.factories import open_ticket
from otvet.tickets.services import ticket_reply

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
WITHIN_MS = 2000  # the promise for presence changes


def signed_in_page(browser, server_url: str, user) -> object:
    """A browser context carrying `user`'s session cookie (the login form has its own tests)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="en", extra_http_headers={"Accept-Language": "en"})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server_url}])
    return context.new_page()


def test_two_agents_on_one_ticket_see_each_other_typing_and_the_customers_new_message(
    asgi_live_server, browser
) -> None:
    anna = AgentFactory(user=UserFactory(name="Анна Агентова", language="en"), role=Role.AGENT).user
    boris = AgentFactory(user=UserFactory(name="Борис Бобров", language="en"), role=Role.SUPERVISOR).user
    customer = ContactFactory(user=UserFactory())
    ticket = open_ticket(customer, "Не работает выгрузка")
    url = f"{asgi_live_server.url}/desk/tickets/{ticket.number}/"

    page_anna = signed_in_page(browser, asgi_live_server.url, anna)
    page_anna.goto(url)
    page_anna.locator("#composer-body").wait_for()
    page_boris = signed_in_page(browser, asgi_live_server.url, boris)
    page_boris.goto(url)

    bar_anna = page_anna.locator("#live-presence")
    bar_boris = page_boris.locator("#live-presence")
    bar_anna.locator('[data-live-agent][data-state="viewing"]', has_text="Борис Бобров").wait_for(timeout=WITHIN_MS)
    bar_boris.locator('[data-live-agent][data-state="viewing"]', has_text="Анна Агентова").wait_for(timeout=WITHIN_MS)
    assert bar_anna.locator("[data-live-agent]").count() == 1  # nobody sees themselves

    page_boris.locator("#composer-body").fill("Сейчас проверю выгрузку")
    bar_anna.locator('[data-live-agent][data-state="replying"]', has_text="Борис Бобров").wait_for(timeout=WITHIN_MS)
    screenshot(page_anna, "en-desk-ticket-presence")

    # The customer writes while Борис is typing: his conversation refreshes and his composer warns him.
    ticket_reply(ticket=ticket, actor=actor_for_user(customer.user), body="Выгрузка падает с ошибкой 500")
    page_boris.locator("#ticket-conversation", has_text="Выгрузка падает с ошибкой 500").wait_for(timeout=5000)
    warning = page_boris.locator("[data-live-warning]")
    warning.wait_for(state="visible", timeout=5000)
    assert "customer wrote again" in warning.inner_text()

    page_boris.close()
    bar_anna.wait_for(state="hidden", timeout=WITHIN_MS)
    assert "Seen, keep writing" not in page_anna.locator("#ticket-composer").inner_text()  # no warning for Анна
