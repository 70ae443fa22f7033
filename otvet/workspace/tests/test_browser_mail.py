"""An agent releases held mail from «Почта» in a real browser (Debian's Chromium): the row updates in place."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from otvet.accounts.factories import AgentFactory, UserFactory
from otvet.connectors.choices import InboundSource, InboundState
from otvet.connectors.email.store import inbound_email_store
from otvet.connectors.models import InboundEmail, Mailbox
from otvet.connectors.tests.conftest import build_mail
from otvet.testing.browser import screenshot
from otvet.tickets.models import Line

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Secret-Pass-2026"


def test_an_agent_releases_held_mail_from_the_mail_page(live_server, browser) -> None:
    agent = AgentFactory(user=UserFactory(email="mail-agent@example.com", password=PASSWORD, name="Мария Агентова"))
    agent.lines.set(Line.objects.filter(partner__isnull=True))
    EmailAddress.objects.create(user=agent.user, email=agent.user.email, verified=True, primary=True)
    mailbox = Mailbox.objects.create(name="Support", address="support@example.com", is_default=True)
    raw = build_mail(sender="robot@client.ru", subject="Out of Office", headers={"Auto-Submitted": "auto-replied"})
    held, _created = inbound_email_store(mailbox=mailbox, raw=raw, source=InboundSource.SMTP)
    held.refresh_from_db()
    assert held.state == InboundState.IGNORED  # processed on commit: an automatic mail that continues nothing

    page = browser.new_context(locale="en", extra_http_headers={"Accept-Language": "en"}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", agent.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/desk/")
    page.locator(".ot-sidebar").get_by_role("link", name="Mail").click()
    page.wait_for_url(f"{live_server.url}/desk/mail/")

    row = page.locator(f"#mail-{held.pk}")
    assert row.get_by_text("Out of Office").is_visible()
    row.get_by_role("button", name="Process anyway").click()
    page.locator(f"#mail-{held.pk}", has_text="Released: the mail is being processed.").wait_for()
    screenshot(page, "en-desk-mail-released")

    held = InboundEmail.objects.get(pk=held.pk)
    assert held.state == InboundState.PROCESSED and held.ticket_id is not None
    assert page.locator(f"#mail-{held.pk}").get_by_role("button", name="Process anyway").count() == 0
