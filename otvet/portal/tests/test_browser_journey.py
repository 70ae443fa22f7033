"""A customer and an agent in a real browser (Debian's Chromium), in Russian and in English.

The customer signs up, confirms the email, opens a request with an attachment; the agent sees it in «Новые»,
claims it, adds an internal note and replies; the customer sees the reply but not the note and rates it once the
agent solves it; the agent transfers another ticket to the second line. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import base64
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from otvet.accounts.factories import AgentFactory, UserFactory
from otvet.customers.factories import ContactFactory
from otvet.testing.browser import screenshot
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import Line, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
WORDS = {
    "ru": {"new_queue": "Новые", "claim": "Я отвечу", "answering": "Вы отвечаете", "note": "Внутренняя заметка",
           "solve": "Решить", "rated": "Спасибо за оценку", "new_request": "Новое обращение",
           "mark": "Ответ устраивает", "transfer": "Перевести", "second": "Вторая линия",
           "my_requests": "Мои обращения"},
    "en": {"new_queue": "New", "claim": "I'll answer", "answering": "You are answering", "note": "Internal note",
           "solve": "Solve", "rated": "Thank you for your rating", "new_request": "New request",
           "mark": "The answer helps", "transfer": "Transfer", "second": "Second line", "my_requests": "My requests"},
}  # fmt: skip
PASSWORD = "Secret-Pass-2026"


def verified_agent(email: str):
    agent = AgentFactory(user=UserFactory(email=email, password=PASSWORD, name="Мария Агентова"))
    agent.lines.set(Line.objects.filter(partner__isnull=True))
    EmailAddress.objects.create(user=agent.user, email=email, verified=True, primary=True)
    return agent


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_request_travels_from_the_customer_to_the_agent_and_back(live_server, browser, language, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    words, base = WORDS[language], live_server.url
    verified_agent(f"agent-{language}@example.com")
    other = open_ticket(ContactFactory(), "Нужна выгрузка в 1С" if language == "ru" else "Need an export to 1C")

    def context():
        return browser.new_context(locale=language, extra_http_headers={"Accept-Language": language},
                                   viewport={"width": 1366, "height": 900})  # fmt: skip

    customer, agent = context().new_page(), context().new_page()

    # The customer signs up and confirms the address from the email.
    customer.goto(f"{base}/accounts/signup/")
    screenshot(customer, f"{language}-portal-signup")
    customer.fill("input[name=email]", f"anna-{language}@example.org")
    customer.fill("input[name=name]", "Анна Смирнова")
    customer.fill("input[name=password1]", PASSWORD)
    customer.fill("input[name=password2]", PASSWORD)
    customer.locator("form button[type=submit]").click()
    customer.wait_for_load_state()
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    customer.goto(base + link)
    customer.locator("form button[type=submit]").click()
    sign_in(customer, base, f"anna-{language}@example.org")

    # A new request with an attachment.
    customer.goto(f"{base}/requests/new/")
    assert customer.get_by_role("heading", name=words["new_request"]).is_visible()
    subject = "Не могу войти в личный кабинет" if language == "ru" else "Cannot sign in to my account"
    customer.fill("input[name=subject]", subject)
    customer.fill("textarea[name=body]", "После смены пароля пишет «неверный пароль».")
    customer.set_input_files(
        "input[name=attachments]", files=[{"name": "screen.png", "mimeType": "image/png", "buffer": PNG}]
    )
    screenshot(customer, f"{language}-portal-new-request")
    customer.locator("form button.btn-primary").click()
    customer.wait_for_url(re.compile(r"/requests/\d+/$"))
    ticket = Ticket.objects.get(subject=subject)
    assert customer.locator(".ot-attachment", has_text="screen.png").is_visible()

    # The agent finds it in «Новые», claims it, writes an internal note and a reply.
    sign_in(agent, base, f"agent-{language}@example.com")
    agent.goto(f"{base}/desk/")
    assert agent.locator(".ot-sidebar .nav-link.active", has_text=words["new_queue"]).is_visible()
    agent.get_by_text(subject).first.click()
    agent.wait_for_url(re.compile(rf"/desk/tickets/{ticket.pk}/$"))
    agent.get_by_role("button", name=words["claim"]).click()
    agent.locator(".ot-holder-me", has_text=words["answering"]).wait_for()
    agent.locator("label[for=mode-note]").click()
    agent.fill("#composer-body", "Проверить логи авторизации — только для коллег")
    agent.locator("button[data-ot-submit=note]").click()
    agent.locator(".ot-msg.ot-note", has_text="только для коллег").wait_for()
    agent.locator("label[for=mode-reply]").click()
    agent.fill("#composer-body", "Здравствуйте! Сбросили сессии, попробуйте войти снова.")
    agent.locator("button[data-ot-submit=reply]").click()
    agent.locator(".ot-msg.ot-from-agent", has_text="Сбросили сессии").wait_for()
    screenshot(agent, f"{language}-desk-ticket")

    # The customer sees the reply, never the note.
    customer.reload()
    assert customer.get_by_text("Сбросили сессии").is_visible()
    assert customer.get_by_text("только для коллег").count() == 0
    assert customer.get_by_text(words["note"]).count() == 0

    # The agent solves it; the customer rates it.
    agent.fill("#composer-body", "Всё работает, закрываем.")
    agent.get_by_role("button", name=words["solve"]).click()
    agent.locator(".ot-msg.ot-from-agent", has_text="закрываем").wait_for()
    customer.reload()
    customer.get_by_label(words["mark"]).check()
    customer.locator("#rating form button").click()
    customer.get_by_text(words["rated"]).wait_for()
    screenshot(customer, f"{language}-portal-request")
    ticket.refresh_from_db()
    assert ticket.rating.agent.user.email == f"agent-{language}@example.com"

    # The agent transfers another ticket to the second line.
    agent.goto(f"{base}/desk/tickets/{other.pk}/")
    agent.locator("#ticket-header").get_by_role("button", name=words["transfer"]).click()
    agent.select_option("#transfer-line", label=words["second"])
    agent.fill("#transfer-note", "Нужна помощь второй линии")
    agent.locator("#transfer-form button.btn-primary").click()
    agent.locator("#ticket-header", has_text=words["second"]).wait_for()
    other.refresh_from_db()
    assert other.line.code == "second"
    agent.goto(f"{base}/desk/")
    screenshot(agent, f"{language}-desk-queue")
    customer.goto(f"{base}/requests/")
    assert customer.get_by_role("heading", name=words["my_requests"]).is_visible()
    screenshot(customer, f"{language}-portal-requests")

    # The portal on a phone: nothing wider than the screen.
    customer.set_viewport_size({"width": 390, "height": 844})
    for path in ("/requests/", f"/requests/{ticket.pk}/", "/requests/new/"):
        customer.goto(base + path)
        assert customer.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    screenshot(customer, f"{language}-portal-phone")
