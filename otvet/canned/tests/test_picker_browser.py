"""The composer's picker in a real browser: "/" in an empty reply, a shortcut, Enter inserts the filled text."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from otvet.accounts.factories import AgentFactory, UserFactory
from otvet.canned.models import CannedResponse
from otvet.canned.services import canned_create
from otvet.customers.factories import ContactFactory
from otvet.tickets.access import Actor
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import Line

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Secret-Pass-2026"


def test_an_agent_inserts_a_canned_response_with_the_slash_shortcut(live_server, browser) -> None:
    user = UserFactory(email="picker@example.com", password=PASSWORD, name="Ирина Петрова")
    agent = AgentFactory(user=user)
    agent.lines.set(Line.objects.filter(partner__isnull=True))
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    ticket = open_ticket(ContactFactory(name="Олег Смирнов"), "Не могу войти")
    response = canned_create(
        actor=Actor(user=user, agent=agent),
        data={"title": "Смена пароля", "shortcut": "pwd-reset", "body": "{name}, заявка #{number}. {agent}"},
    )

    page = browser.new_context(locale="en", extra_http_headers={"Accept-Language": "en"}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/desk/tickets/{ticket.number}/")
    page.locator("#composer-body").click()
    page.keyboard.type("/")
    page.keyboard.type("pwd")
    page.locator("[data-canned-choice]").first.wait_for()
    page.keyboard.press("Enter")
    expected = f"Олег Смирнов, заявка #{ticket.number}. Ирина Петрова"
    page.wait_for_function("(text) => document.getElementById('composer-body').value === text", arg=expected)
    response.refresh_from_db()
    assert response.usage_count == 1
    assert CannedResponse.objects.count() == 1
