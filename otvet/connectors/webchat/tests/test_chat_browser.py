"""A visitor on a customer's site and an agent in the workspace chat, in two browsers (Debian's Chromium)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

from otvet.accounts.choices import Role
from otvet.accounts.factories import AgentFactory, UserFactory
from otvet.connectors.models import ChatWidget
from otvet.sla.models import Calendar, CalendarHours
from otvet.testing.browser import screenshot
from otvet.tickets.choices import Channel
from otvet.tickets.models import Line, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
WITHIN_MS = 5000


def shop_page(server_url: str, key: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>'
        "<body><h1>Flower shop</h1>"
        f'<script src="{server_url}/chat/embed.js" data-otvet-chat="{key}" async></script></body></html>'
    )


def round_the_clock_line() -> Line:
    """A line whose calendar is always open (the seeded default calendar may be closed when the test runs)."""
    calendar = Calendar.objects.create(name="24/7", time_zone="Europe/Moscow", russian_holidays=False)
    for weekday in range(7):
        CalendarHours.objects.create(calendar=calendar, weekday=weekday, opens=dt.time(0), closes=dt.time(0))
    return Line.objects.create(code="webchat-24-7", name_ru="Чат", name_en="Chat", calendar=calendar)


@pytest.fixture
def shop_server() -> Iterator[Callable[[str], str]]:
    """`shop_server(html)`: a customer's site on another origin (its own port) serving one page; its origin."""
    servers: list[ThreadingHTTPServer] = []

    def start(html: str) -> str:
        class Page(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()


def test_a_visitor_on_a_site_and_an_agent_chat_live(asgi_live_server, browser, shop_server) -> None:
    server = asgi_live_server.url
    widget = ChatWidget.objects.create(
        name="Flowers", line=round_the_clock_line(), greeting_en="Hello! How can we help?"
    )
    shop = shop_server(shop_page(server, widget.key))
    widget.allowed_origins = [shop]
    widget.save(update_fields=["allowed_origins"])
    agent = AgentFactory(user=UserFactory(name="Анна Агентова", language="en"), role=Role.AGENT).user

    visitor_context = browser.new_context(locale="en")
    visitor = visitor_context.new_page()
    visitor.goto(f"{shop}/shop/")
    visitor.locator("[data-otvet-launcher]").click()
    chat = visitor.frame_locator("iframe")
    chat.get_by_text("Hello! How can we help?").wait_for(timeout=WITHIN_MS)
    chat.locator("#wc-text").fill("My order 1042 has not arrived")
    chat.locator("#wc-text").press("Enter")
    chat.locator('.wc-msg[data-from="visitor"]:not(.wc-pending)', has_text="order 1042").wait_for(timeout=WITHIN_MS)
    ticket = Ticket.objects.get(channel=Channel.WEBCHAT)
    assert ticket.subject == "My order 1042 has not arrived"

    client = Client()
    client.force_login(agent)
    agent_context = browser.new_context(locale="en", extra_http_headers={"Accept-Language": "en"})
    agent_context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server}])
    desk = agent_context.new_page()
    desk.goto(f"{server}/desk/tickets/{ticket.number}/")
    desk.locator("#ticket-conversation", has_text="My order 1042 has not arrived").wait_for(timeout=WITHIN_MS)

    desk.locator("#composer-body").fill("Let me check the delivery")
    chat.locator("#wc-typing").wait_for(state="visible", timeout=WITHIN_MS)
    assert "typing" in chat.locator("#wc-typing").inner_text()
    chat.locator("#wc-text").fill("Thanks")  # the visitor types: the agent sees it on the presence bar
    desk.locator('#live-presence [data-live-agent="0"][data-state="replying"]').wait_for(timeout=WITHIN_MS)

    desk.locator('[data-ot-submit="reply"]').click()
    answer = chat.locator('.wc-msg[data-from="agent"]', has_text="Let me check the delivery")
    answer.wait_for(timeout=WITHIN_MS)
    assert "Анна" in answer.inner_text()
    screenshot(visitor, "en-webchat-visitor")

    # The visitor comes back later: the conversation is still there (token in the frame's localStorage).
    visitor.reload()
    visitor.locator("[data-otvet-launcher]").click()
    chat.locator('.wc-msg[data-from="agent"]', has_text="Let me check the delivery").wait_for(timeout=WITHIN_MS)
    assert chat.locator('.wc-msg[data-from="visitor"]', has_text="order 1042").count() == 1
