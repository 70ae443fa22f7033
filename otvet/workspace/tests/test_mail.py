"""The email channel in the workspace: «Почта», originals, full text, delivery states, release, spam buttons."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from otvet.connectors.choices import DeliveryPurpose, DeliveryState, InboundSource, InboundState
from otvet.connectors.models import Delivery, InboundEmail
from otvet.connectors.selectors import inbound_emails_visible_to
from otvet.connectors.tests import conftest as mail_fixtures
from otvet.connectors.tests.conftest import build_mail
from otvet.customers.factories import CompanyFactory
from otvet.testing.fixtures import TICKETS
from otvet.testing.fixtures import VISIBLE as TICKETS_VISIBLE
from otvet.tickets.choices import Channel
from otvet.tickets.services import ticket_reply
from otvet.workspace.tests.conftest import HTMX
from otvet.workspace.tests.test_ticket_page import TICKET_PAGE_QUERIES
from otvet.workspace.views import mail as mail_views

mailbox = mail_fixtures.mailbox
committed = mail_fixtures.committed
receive = mail_fixtures.receive

CUSTOMERS = ("customer", "company_admin", "other_customer", "partner_customer")
STAFF = ("partner_agent", "agent", "supervisor", "admin")
MAILS = ("held", "spam", "on_customer", "on_other", "on_partner")
# role -> the mails of `mails` below it may read: mail follows its ticket; mail without one is the platform's.
VISIBLE = {
    "partner_agent": {"on_partner"},
    "agent": {"held", "spam", "on_customer", "on_other"},
    "supervisor": set(MAILS),
    "admin": set(MAILS),
    **{role: set() for role in CUSTOMERS},
}
QUOTED = "Добавлю: ошибка 500.\n\nпн, 23 нояб. 2026 г. в 10:15, Support <support@example.com>:\n> старое письмо"


def stored(mailbox, *, state: str, ticket=None, subject: str = "Письмо", **fields) -> InboundEmail:
    """A stored mail in a given state, as processing would have left it."""
    raw = build_mail(subject=subject)
    return InboundEmail.objects.create(
        mailbox=mailbox,
        dedupe_key=f"<{uuid.uuid4()}@client.ru>",
        sha256="0" * 64,
        raw=raw,
        size=len(raw),
        source=InboundSource.SMTP,
        sender="ivan@client.ru",
        subject=subject,
        state=state,
        ticket=ticket,
        **fields,
    )


@pytest.fixture
def mails(world, mailbox) -> dict[str, InboundEmail]:
    """One mail of each kind the permission matrix tells apart."""
    return {
        "held": stored(mailbox, state=InboundState.RATE_LIMITED, subject="Задержано", reason="Слишком много писем"),
        "spam": stored(
            mailbox,
            state=InboundState.SPAM,
            subject="Выгодное предложение",
            spam_score=0.97,
            spam_explanation=[{"feature": "скидка", "weight": 2.5}, {"feature": "казино", "weight": 3.1}],
        ),
        "on_customer": stored(mailbox, state=InboundState.PROCESSED, ticket=world.ticket_customer, subject="Клиент A"),
        "on_other": stored(mailbox, state=InboundState.PROCESSED, ticket=world.ticket_other, subject="Клиент B"),
        "on_partner": stored(mailbox, state=InboundState.PROCESSED, ticket=world.ticket_partner, subject="Партнёр"),
    }


# The permission matrix


@pytest.mark.parametrize("role", [*STAFF, *CUSTOMERS])
def test_mail_follows_its_ticket_and_mail_without_one_is_the_platforms(world, mails, role):
    visible = set(inbound_emails_visible_to(world.actor(role)).values_list("pk", flat=True))
    assert visible == {mails[name].pk for name in VISIBLE[role]}


@pytest.mark.parametrize("role", STAFF)
def test_every_agent_opens_the_mail_page_and_sees_only_mail_in_scope(login, mails, role):
    body = login(role, language="en").get(reverse("workspace-mail"), {"tab": "all"}).content.decode()
    for name, mail in mails.items():
        assert (f'id="mail-{mail.pk}"' in body) == (name in VISIBLE[role]), name


@pytest.mark.parametrize("role", CUSTOMERS)
def test_customers_get_a_404_for_every_mail_url(login, world, mails, role):
    client = login(role)
    assert client.get(reverse("workspace-mail")).status_code == 404
    assert client.post(reverse("workspace-ticket-spam", args=[world.ticket_customer.pk])).status_code == 404
    for mail in mails.values():
        for name in ("workspace-mail-original", "workspace-mail-text"):
            assert client.get(reverse(name, args=[mail.pk])).status_code == 404
        for name in ("workspace-mail-release", "workspace-mail-not-spam"):
            assert client.post(reverse(name, args=[mail.pk])).status_code == 404
    assert InboundEmail.objects.get(pk=mails["held"].pk).state == InboundState.RATE_LIMITED


def test_anonymous_users_are_sent_to_the_login_page(client, mails):
    for url in (reverse("workspace-mail"), reverse("workspace-mail-original", args=[mails["held"].pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    response = client.post(reverse("workspace-mail-release", args=[mails["held"].pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", STAFF)
def test_the_original_downloads_as_an_eml_attachment_within_scope_only(login, mails, role):
    client = login(role)
    for name, mail in mails.items():
        response = client.get(reverse("workspace-mail-original", args=[mail.pk]))
        if name not in VISIBLE[role]:
            assert response.status_code == 404, name
            continue
        assert response.status_code == 200, name
        assert response["Content-Type"] == "message/rfc822"
        assert response["Content-Disposition"] == f'attachment; filename="{mail_filename(mail)}"'
        assert response.content == bytes(mail.raw)


def mail_filename(mail: InboundEmail) -> str:
    return f"mail-{mail.received_at:%Y%m%d-%H%M%S}-{mail.pk}.eml"


@pytest.mark.parametrize("role", STAFF)
@pytest.mark.parametrize("action", ["workspace-mail-release", "workspace-mail-not-spam"])
def test_actions_on_mail_outside_the_scope_are_a_404_and_change_nothing(login, mails, role, action):
    client = login(role)
    for name, mail in mails.items():
        if name not in VISIBLE[role]:
            assert client.post(reverse(action, args=[mail.pk]), **HTMX).status_code == 404, name
            assert InboundEmail.objects.get(pk=mail.pk).state == mail.state


def test_the_actions_accept_only_post(login, mails):
    client = login("agent")
    assert client.get(reverse("workspace-mail-release", args=[mails["held"].pk])).status_code == 405
    assert client.get(reverse("workspace-mail-not-spam", args=[mails["spam"].pk])).status_code == 405


# The mail page


def test_the_tabs_split_held_spam_and_all_mail(login, mails):
    client = login("supervisor", language="en")
    rows = {
        tab: {mail.pk for mail in client.get(reverse("workspace-mail"), {"tab": tab}).context["page"].items}
        for tab in ("held", "spam", "all")
    }
    assert rows["held"] == {mails["held"].pk}
    assert rows["spam"] == {mails["spam"].pk}
    assert rows["all"] == {mail.pk for mail in mails.values()}


def test_a_row_shows_mailbox_sender_subject_state_reason_and_the_spam_filters_reasons(login, mails):
    body = login("agent", language="en").get(reverse("workspace-mail"), {"tab": "all"}).content.decode()
    held = body.split(f'id="mail-{mails["held"].pk}"')[1].split("</tr>")[0]
    for text in ("Support", "ivan@client.ru", "Задержано", "Held: too many from this sender", "Слишком много писем"):
        assert text in held, text
    assert "Process anyway" in held and reverse("workspace-mail-original", args=[mails["held"].pk]) in held
    spam = body.split(f'id="mail-{mails["spam"].pk}"')[1].split("</tr>")[0]
    assert "0.97" in spam and "Not spam" in spam
    assert spam.index("казино") < spam.index("скидка")  # heaviest first
    ticket_row = body.split(f'id="mail-{mails["on_customer"].pk}"')[1].split("</tr>")[0]
    assert reverse("workspace-ticket", args=[mails["on_customer"].ticket_id]) in ticket_row
    assert "Process anyway" not in ticket_row and "Not spam" not in ticket_row


def test_the_sidebar_links_the_mail_page(login, world):
    body = login("partner_agent", language="en").get(reverse("workspace-home")).content.decode()
    assert reverse("workspace-mail") in body and ">Mail<" in body


def test_releasing_held_mail_from_the_page_processes_it_and_updates_the_row(login, world, receive, committed):
    held = receive(
        build_mail(sender="robot@client.ru", subject="Out of Office", headers={"Auto-Submitted": "auto-replied"})
    )
    assert held.state == InboundState.IGNORED
    client = login("agent", language="en")
    with committed():
        response = client.post(reverse("workspace-mail-release", args=[held.pk]), {"tab": "held"}, **HTMX)
    assert response.status_code == 200
    row = response.content.decode()
    assert row.startswith(f'<tr id="mail-{held.pk}"') and "being processed" in row
    held.refresh_from_db()
    assert held.state == InboundState.PROCESSED and held.ticket_id is not None
    assert held.reason == f"Released by {world.users['agent'].email}"


def test_releasing_without_javascript_redirects_back_to_the_tab_with_a_message(login, mails):
    client = login("agent", language="en")
    response = client.post(reverse("workspace-mail-release", args=[mails["held"].pk]), {"tab": "held"})
    assert response.status_code == 302 and response["Location"] == reverse("workspace-mail") + "?tab=held"
    assert "being processed" in client.get(response["Location"]).content.decode()


def test_a_refused_release_shows_the_reason_in_the_row(login, mails):
    response = login("agent", language="en").post(
        reverse("workspace-mail-release", args=[mails["on_customer"].pk]), **HTMX
    )
    assert response.status_code == 409
    assert 'role="alert"' in response.content.decode() and "This mail is not held." in response.content.decode()


def test_not_spam_on_held_spam_processes_it_and_updates_the_row(login, world, mails):
    response = login("agent", language="en").post(
        reverse("workspace-mail-not-spam", args=[mails["spam"].pk]), {"tab": "spam"}, **HTMX
    )
    assert response.status_code == 200
    row = response.content.decode()
    assert "Marked as not spam." in row and "Waiting" in row and "Not spam</button>" not in row
    assert InboundEmail.objects.get(pk=mails["spam"].pk).state == InboundState.PENDING  # the worker takes it on commit


def test_not_spam_on_mail_that_is_not_spam_shows_the_refusal(login, mails):
    response = login("agent", language="en").post(reverse("workspace-mail-not-spam", args=[mails["held"].pk]), **HTMX)
    assert response.status_code == 409 and "This mail is not marked as spam." in response.content.decode()


# Query counts

# session, user, agent; sidebar: lines and saved views (counts cached); one page of mail with its mailboxes.
MAIL_LIST_QUERIES = 6


def test_the_mail_list_costs_the_same_queries_for_any_number_of_mails_and_page_size(
    login, world, mailbox, django_assert_num_queries, monkeypatch
):
    client = login("agent")
    url = reverse("workspace-mail")
    for tab in ("held", "spam", "all"):
        client.get(url, {"tab": tab})  # warms the cached counts
        with django_assert_num_queries(MAIL_LIST_QUERIES):
            client.get(url, {"tab": tab})
    for index in range(30):
        stored(mailbox, state=InboundState.FAILED, subject=f"Сбой {index}", error="boom")
        stored(mailbox, state=InboundState.SPAM, spam_score=0.9, spam_explanation=[{"feature": "x", "weight": 1}])
    for size in (5, 50):
        monkeypatch.setattr(mail_views, "PAGE_SIZE", size)
        for tab in ("held", "spam", "all"):
            with django_assert_num_queries(MAIL_LIST_QUERIES):
                page = client.get(url, {"tab": tab}).context["page"]
            assert len(page.items) == min(size, 60 if tab == "all" else 30)
    monkeypatch.setattr(mail_views, "PAGE_SIZE", 5)
    cursor = client.get(url, {"tab": "all"}).context["page"].next_cursor
    with django_assert_num_queries(4):  # session, user, agent, one page of mail
        response = client.get(url, {"tab": "all", "cursor": cursor}, **HTMX)
    assert response.content.decode().count('class="ot-mail-row"') == 5


def test_show_more_walks_the_pages_newest_first_without_gaps(login, mailbox, monkeypatch):
    monkeypatch.setattr(mail_views, "PAGE_SIZE", 4)
    expected = [stored(mailbox, state=InboundState.FAILED).pk for _ in range(10)][::-1]  # same received_at: by id
    client, seen, cursor = login("agent"), [], ""
    while True:
        page = client.get(reverse("workspace-mail"), {"tab": "held", "cursor": cursor}, **HTMX).context["page"]
        seen += [mail.pk for mail in page.items]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == expected


def test_a_broken_cursor_starts_the_mail_list_again(login):
    response = login("agent").get(reverse("workspace-mail"), {"tab": "spam", "cursor": "garbage"})
    assert response.status_code == 302 and response["Location"] == reverse("workspace-mail") + "?tab=spam"


# The ticket page


def test_a_mail_message_has_its_original_and_its_full_text_with_the_quoted_history(login, receive):
    first = receive(build_mail(message_id="<start@client.ru>"))
    reply = receive(build_mail(subject="Re: выгрузка", body=QUOTED, in_reply_to="<start@client.ru>"))
    assert reply.ticket_id == first.ticket_id and "старое письмо" not in reply.message.body_text
    client = login("agent", language="en")
    body = client.get(reverse("workspace-ticket", args=[reply.ticket_id])).content.decode()
    article = body.split(f'id="message-{reply.message_id}"')[1].split("</article>")[0]
    assert reverse("workspace-mail-original", args=[reply.pk]) in article
    assert "Full text" in article and reverse("workspace-mail-text", args=[reply.pk]) in article
    fragment = client.get(reverse("workspace-mail-text", args=[reply.pk]), **HTMX).content.decode()
    assert "Добавлю: ошибка 500." in fragment and "&gt; старое письмо" in fragment
    plain = client.get(reverse("workspace-mail-text", args=[reply.pk]))
    assert plain["Content-Type"] == "text/plain; charset=utf-8" and "> старое письмо" in plain.content.decode()


def test_an_agent_reply_shows_each_delivery_state_with_attempts_and_the_failure_reason(login, world):
    message = ticket_reply(ticket=world.ticket_customer, actor=world.actor("agent"), body="Ответ по почте")
    deliver(message, state=DeliveryState.FAILED, attempts=5, last_error="550 5.1.1 Mailbox does not exist")
    body = login("agent", language="en").get(reverse("workspace-ticket", args=[world.ticket_customer.pk]))
    article = body.content.decode().split(f'id="message-{message.pk}"')[1].split("</article>")[0]
    assert "text-bg-danger" in article and "Failed" in article and "5 attempts" in article
    assert "Not delivered: 550 5.1.1 Mailbox does not exist" in article
    assert "customer@example.org" in article


def test_a_sent_reply_shows_sent_and_no_stale_error(login, world):
    message = ticket_reply(ticket=world.ticket_customer, actor=world.actor("agent"), body="Ответ")
    deliver(message, state=DeliveryState.SENT, attempts=2, last_error="421 try later")
    body = login("agent", language="en").get(reverse("workspace-ticket", args=[world.ticket_customer.pk]))
    article = body.content.decode().split(f'id="message-{message.pk}"')[1].split("</article>")[0]
    assert "Sent" in article and "2 attempts" in article and "421 try later" not in article


def deliver(message, **fields) -> Delivery:
    return Delivery.objects.create(
        key=f"email:reply:{message.pk}",
        ticket=message.ticket,
        message=message,
        channel=Channel.EMAIL,
        purpose=DeliveryPurpose.REPLY,
        recipients=[message.ticket.requester.email],
        **fields,
    )


def test_the_customer_portal_shows_no_originals_delivery_states_or_spam_data(login, world, mailbox):
    message = ticket_reply(ticket=world.ticket_customer, actor=world.actor("agent"), body="Ответ клиенту")
    deliver(message, state=DeliveryState.FAILED, attempts=1, last_error="550 rejected")
    first = world.ticket_customer.messages.order_by("id").first()
    stored(mailbox, state=InboundState.PROCESSED, ticket=world.ticket_customer, message=first, spam_score=0.4)
    body = login("customer", language="en").get(reverse("portal-request", args=[world.ticket_customer.pk]))
    text = body.content.decode()
    assert "Ответ клиенту" in text
    for secret in ("/desk/mail/", "Original", "Full text", "550 rejected", "Not delivered", "attempt"):
        assert secret not in text, secret


def test_the_ticket_page_costs_the_same_queries_with_many_mails_and_deliveries(
    login, receive, world, django_assert_num_queries
):
    CompanyFactory(email_domains=["client.ru"])  # like the World's tickets: a company card with contacts
    first = receive(build_mail(message_id="<q0@client.ru>"))
    client = login("agent", language="en")
    url = reverse("workspace-ticket", args=[first.ticket_id])
    client.get(url)  # warms the cached counts
    with django_assert_num_queries(TICKET_PAGE_QUERIES + 1):  # + its SLA clock timeline
        client.get(url)
    for index in range(1, 10):
        receive(build_mail(message_id=f"<q{index}@client.ru>", body=QUOTED, in_reply_to=f"<q{index - 1}@client.ru>"))
        reply = ticket_reply(ticket=first.ticket, actor=world.actor("agent"), body=f"Ответ {index}")
        deliver(reply, state=DeliveryState.FAILED if index % 2 else DeliveryState.SENT, attempts=index, last_error="x")
    client.get(url)  # the mails' events cleared the cached counts (otvet/live): warm them again
    with django_assert_num_queries(TICKET_PAGE_QUERIES + 1):
        body = client.get(url).content.decode()
    assert body.count("Full text") == 10 and body.count("ot-delivery d-flex") == 9


# «Спам» on the ticket page


def test_the_spam_button_asks_first(login, world):
    header = login("agent", language="en").get(reverse("workspace-ticket", args=[world.ticket_customer.pk]))
    header = header.content.decode().split("</header>")[0]
    url = reverse("workspace-ticket-spam", args=[world.ticket_customer.pk])
    form = header.split(f'action="{url}"')[1].split("</form>")[0]
    assert "hx-confirm=" in form and "Spam</button>" in form


def test_spam_closes_the_ticket_and_its_mail_waits_in_the_spam_tab_until_an_agent_says_not_spam(login, receive):
    row = receive(build_mail(subject="Купите слона"))
    client = login("agent", language="en")
    response = client.post(reverse("workspace-ticket-spam", args=[row.ticket_id]), **HTMX)
    assert response.status_code == 200 and "Marked as spam." in response.content.decode()
    row.refresh_from_db()
    assert row.state == InboundState.SPAM and row.ticket.status.category == "closed"
    spam_tab = client.get(reverse("workspace-mail"), {"tab": "spam"}).content.decode()
    assert f'id="mail-{row.pk}"' in spam_tab and "Купите слона" in spam_tab
    response = client.post(reverse("workspace-mail-not-spam", args=[row.pk]), {"tab": "spam"}, **HTMX)
    assert response.status_code == 200
    assert "Marked as not spam." in response.content.decode() and "Processed" in response.content.decode()
    row.refresh_from_db()
    assert row.state == InboundState.PROCESSED and row.ticket.status.category == "open"


def test_marking_a_ticket_twice_shows_the_refusal_in_the_header(login, receive):
    row = receive(build_mail())
    client = login("agent", language="en")
    client.post(reverse("workspace-ticket-spam", args=[row.ticket_id]), **HTMX)
    response = client.post(reverse("workspace-ticket-spam", args=[row.ticket_id]), **HTMX)
    assert response.status_code == 409 and "already marked as spam" in response.content.decode()


@pytest.mark.parametrize("role", STAFF)
def test_the_spam_button_on_a_ticket_outside_the_scope_is_a_404(login, world, role, monkeypatch):
    monkeypatch.setattr(mail_views, "ticket_mark_spam", lambda **kwargs: pytest.fail("called out of scope"))
    client = login(role)
    for name in set(TICKETS) - TICKETS_VISIBLE[role]:
        ticket = getattr(world, name)
        assert client.post(reverse("workspace-ticket-spam", args=[ticket.pk]), **HTMX).status_code == 404, name
