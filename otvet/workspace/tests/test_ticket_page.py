"""The ticket page: header, conversation, customer card, timeline in words, a fixed query count."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from otvet.customers.choices import IdentityKind
from otvet.customers.models import ContactIdentity, SupportNote
from otvet.tickets.models import Line
from otvet.tickets.services import (
    attachment_upload,
    ticket_add_note,
    ticket_claim,
    ticket_reply,
    ticket_transfer,
    ticket_update_fields,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def page(client, ticket) -> str:
    response = client.get(reverse("workspace-ticket", args=[ticket.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_header_shows_number_subject_status_and_priority(login, world):
    body = page(login("agent", language="en"), world.ticket_customer)
    header = body.split('id="ticket-header"')[1].split("</header>")[0]
    for text in (
        f"#{world.ticket_customer.pk}",
        "Не могу войти в личный кабинет",
        ">Open<",
        "Priority: Normal",
        "First line",
    ):
        assert text in header, text
    assert "I&#x27;ll answer" in header or "I'll answer" in header


def test_public_replies_and_internal_notes_are_clearly_distinct(login, world):
    ticket_reply(ticket=world.ticket_customer, actor=world.actor("agent"), body="Ответ клиенту")
    ticket_add_note(ticket=world.ticket_customer, actor=world.actor("agent"), body="Только для своих")
    body = page(login("agent", language="en"), world.ticket_customer)
    note = body.split("Только для своих")[0].rsplit("<article", 1)[1]
    reply = body.split("Ответ клиенту")[0].rsplit("<article", 1)[1]
    assert "ot-note" in note and "Internal note" in note
    assert "ot-from-agent" in reply and "ot-note" not in reply


def test_the_customer_card_shows_plan_contacts_identities_other_tickets_and_support_notes(login, world):
    requester = world.ticket_customer.requester
    ContactIdentity.objects.create(contact=requester, kind=IdentityKind.TELEGRAM, value="@romashka_julia")
    SupportNote.objects.create(company=world.ticket_customer.company, body="Платят вовремя, VIP", author=None)
    body = page(login("agent", language="en"), world.ticket_customer)
    card = body.split('id="ticket-customer"')[1].split("</section>")[0]
    for text in (
        requester.name,
        "ООО Ромашка",
        "Premium",
        world.users["company_admin"].contact.name,  # a contact of the company
        "@romashka_julia",
        f"#{world.ticket_colleague.pk} Счёт за ноябрь",  # the company's other ticket
        "Платят вовремя, VIP",
    ):
        assert text in card, text
    assert world.ticket_other.subject not in card


def test_the_page_shows_created_and_last_interaction_dates(login, world):
    body = page(login("agent", language="en"), world.ticket_customer)
    assert "Created" in body and "Last interaction" in body


def test_the_timeline_tells_each_event_in_words(login, world):
    agent = world.users["agent"]
    ticket_claim(ticket=world.ticket_customer, actor=world.actor("agent"))
    ticket_update_fields(ticket=world.ticket_customer, actor=world.actor("agent"), priority=30)
    ticket_transfer(
        ticket=world.ticket_customer, actor=world.actor("agent"), line=Line.objects.get(code="second"), note="Баг"
    )
    body = page(login("supervisor", language="en"), world.ticket_customer)
    timeline = body.split('id="ticket-timeline"')[1].split("</section>")[0]
    for text in (
        f"{agent.name} assigned the ticket to themselves",
        "Status: Open → In progress",
        f"{agent.name} edited the ticket",
        "Priority: Normal → High",
        f"{agent.name} transferred the ticket to Second line",
        "Баг",
        f"{world.users['customer'].name} opened the ticket",
    ):
        assert text in timeline, text


def test_the_timeline_names_the_agent_a_ticket_was_taken_from(login, world):
    ticket_claim(ticket=world.ticket_customer, actor=world.actor("agent"))
    ticket_claim(ticket=world.ticket_customer, actor=world.actor("supervisor"), force=True)
    body = page(login("agent", language="en"), world.ticket_customer)
    assert f"{world.users['supervisor'].name} took the ticket over from {world.users['agent'].name}" in body


def test_the_ticket_page_says_who_holds_the_ticket(login, world):
    ticket_claim(ticket=world.ticket_customer, actor=world.actor("agent"))
    header = page(login("supervisor", language="en"), world.ticket_customer).split("</header>")[0]
    assert f"{world.users['agent'].name} is answering" in header
    assert "Take over" in header  # supervisors may force
    header = page(login("agent", language="en"), world.ticket_customer).split("</header>")[0]
    assert "You are answering" in header and "Release" in header


def test_an_agent_who_is_not_a_supervisor_cannot_take_over(login, world):
    ticket_claim(ticket=world.ticket_customer, actor=world.actor("supervisor"))
    header = page(login("agent", language="en"), world.ticket_customer).split("</header>")[0]
    assert "Take over" not in header and "Release" not in header


def grow(world, ticket, count: int) -> None:
    """Many messages, notes with attachments, events and support notes on `ticket`."""
    agent, customer = world.actor("agent"), world.actor("customer")
    for index in range(count):
        upload = attachment_upload(actor=agent, file=SimpleUploadedFile(f"log{index}.txt", b"log line"))
        ticket_add_note(ticket=ticket, actor=agent, body=f"Заметка {index}", attachments=[upload])
        ticket_reply(ticket=ticket, actor=agent, body=f"Ответ {index}")
        ticket_reply(ticket=ticket, actor=customer, body=f"Вопрос {index}")
        ticket_update_fields(ticket=ticket, actor=agent, priority=30 if index % 2 else 20)
        SupportNote.objects.create(company=ticket.company, body=f"Смена {index}")
    ticket_claim(ticket=ticket, actor=agent)
    ticket_claim(ticket=ticket, actor=world.actor("supervisor"), force=True)


# session, user, agent, ticket, messages, their attachments, their mail, their deliveries, statuses, lines,
# criticality levels, categories, events, agents, lines for transfer, identities, contacts, other tickets, support
# notes; sidebar: lines and saved views (counts cached).
TICKET_PAGE_QUERIES = 22  # + the tags


def test_the_ticket_page_costs_the_same_queries_for_small_and_large_tickets(login, world, django_assert_num_queries):
    client = login("agent")
    url = reverse("workspace-ticket", args=[world.ticket_customer.pk])
    client.get(url)  # warms the cached counts
    with django_assert_num_queries(TICKET_PAGE_QUERIES):
        client.get(url)
    grow(world, world.ticket_customer, 12)
    with django_assert_num_queries(TICKET_PAGE_QUERIES):
        body = client.get(url).content.decode()
    assert "Заметка 11" in body and "log11.txt" in body


def test_the_timeline_tells_that_a_ticket_was_marked_as_spam(login, world):
    from otvet.connectors.spam_services import ticket_mark_spam

    ticket_mark_spam(ticket=world.ticket_customer, actor=world.actor("agent"))
    body = page(login("supervisor", language="en"), world.ticket_customer)
    timeline = body.split('id="ticket-timeline"')[1].split("</section>")[0]
    assert f"{world.users['agent'].name} marked the ticket as spam" in timeline
