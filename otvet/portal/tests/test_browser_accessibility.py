"""Every main page passes axe-core's WCAG 2 A/AA checks (no serious or critical finding): labelled fields,
contrast, names for buttons and links, landmarks, in Russian and in English."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from otvet.accounts.factories import AgentFactory, UserFactory
from otvet.customers.factories import ContactFactory
from otvet.testing.browser import accessibility_violations
from otvet.tickets.access import Actor
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import Line
from otvet.tickets.services import ticket_add_note, ticket_reply, ticket_resolve

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "Secret-Pass-2026"


def signed_in(browser, base: str, email: str, language: str):
    page = browser.new_context(locale=language, extra_http_headers={"Accept-Language": language}).new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    return page


def user(email: str):
    account = UserFactory(email=email, password=PASSWORD, name="Тест Тестов")
    EmailAddress.objects.create(user=account, email=email, verified=True, primary=True)
    return account


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_main_pages_have_no_serious_accessibility_problems(live_server, browser, language):
    base = live_server.url
    customer = ContactFactory(user=user(f"c-{language}@example.org"), is_company_admin=True)
    agent = AgentFactory(user=user(f"a-{language}@example.com"))
    agent.lines.set(Line.objects.filter(partner__isnull=True))
    staff = Actor(user=agent.user, agent=agent)
    ticket = open_ticket(customer, "Не работает оплата")
    ticket_add_note(ticket=ticket, actor=staff, body="Внутренняя заметка")
    ticket_reply(ticket=ticket, actor=staff, body="Проверяем")
    solved = open_ticket(customer, "Счёт за ноябрь")
    ticket_resolve(ticket=solved, actor=staff, body="Готово")

    anonymous = browser.new_context(locale=language, extra_http_headers={"Accept-Language": language}).new_page()
    pages = [(anonymous, path) for path in ("/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/")]
    portal = signed_in(browser, base, customer.user.email, language)
    portal_paths = ["/requests/", "/requests/?scope=company", "/requests/new/", f"/requests/{ticket.pk}/",
                    f"/requests/{solved.pk}/", "/preferences/"]  # fmt: skip
    pages += [(portal, path) for path in portal_paths]
    desk = signed_in(browser, base, agent.user.email, language)
    desk_paths = ["/desk/", "/desk/queues/unassigned/", "/desk/tickets/?state=any", f"/desk/tickets/{ticket.pk}/",
                  f"/desk/tickets/{ticket.pk}/transfer/"]  # fmt: skip
    pages += [(desk, path) for path in desk_paths]
    problems = {}
    for page, path in pages:
        page.goto(base + path)
        found = accessibility_violations(page)
        if found:
            problems[path] = found
    assert problems == {}, "\n".join(f"{path}: {line}" for path, lines in problems.items() for line in lines)
