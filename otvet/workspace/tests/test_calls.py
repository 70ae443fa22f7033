"""«Создать по звонку»: find the caller by any writing of the number, or create them, and open a phone ticket."""

from __future__ import annotations

import pytest

from otvet.customers.choices import IdentityKind
from otvet.customers.factories import CompanyFactory, ContactFactory
from otvet.customers.models import Contact, ContactIdentity
from otvet.tickets.choices import AuthorKind, Channel
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import Ticket

URL = "/desk/calls/new/"
CALL_PAGE_QUERIES = 10  # session, user, agent, sidebar (counts cached), identity check, matches, tickets, companies


@pytest.fixture
def caller(world) -> Contact:
    contact = ContactFactory.create(name="Ирина Соколова", phone="+79121234567", company=world.ticket_customer.company)
    ContactIdentity.objects.create(contact=contact, kind=IdentityKind.PHONE, value="+79121234567")
    return contact


def test_the_page_finds_the_caller_by_a_number_written_the_russian_way(login, caller) -> None:
    open_ticket(caller, "Не приходит SMS")
    page = login("agent").get(URL, {"phone": "8 912 123-45-67"}).content.decode()
    assert "Ирина Соколова" in page and "Не приходит SMS" in page
    assert "+7 912 123-45-67" in page


def test_a_caller_known_only_by_the_phone_field_is_found(login, world) -> None:
    ContactFactory.create(name="Пётр Лебедев", phone="8 (912) 123-45-67", company=world.ticket_customer.company)
    page = login("agent").get(URL, {"phone": "9121234567"}).content.decode()
    assert "Пётр Лебедев" in page


def test_an_agent_opens_a_phone_ticket_for_the_found_caller(login, world, caller) -> None:
    response = login("agent").post(
        URL,
        {"phone": "+7 (912) 123-45-67", "contact": caller.pk, "subject": "Сбой оплаты", "body": "Звонила, ошибка 500"},
    )
    ticket = Ticket.objects.get(subject="Сбой оплаты")
    assert response.status_code == 302 and response["Location"] == f"/desk/tickets/{ticket.pk}/"
    assert (ticket.channel, ticket.requester, ticket.created_by) == (Channel.PHONE, caller, world.users["agent"])
    message = ticket.messages.get()
    assert message.body_text == "Звонила, ошибка 500" and message.author_kind == AuthorKind.CUSTOMER


def test_an_agent_creates_a_new_caller_and_their_ticket_in_one_step(login, world) -> None:
    company = world.ticket_customer.company
    response = login("agent").post(
        URL,
        {
            "phone": "8 999 000-11-22",
            "name": "Новый Клиент",
            "email": "New@Client.ru",
            "company": company.pk,
            "subject": "Вопрос по тарифу",
            "body": "Хочет перейти на Премиум",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get(name="Новый Клиент")
    assert (contact.phone, contact.email, contact.company) == ("+79990001122", "new@client.ru", company)
    assert set(contact.identities.values_list("kind", "value")) == {
        ("phone", "+79990001122"),
        ("email", "new@client.ru"),
    }
    ticket = contact.tickets.get()
    assert ticket.channel == Channel.PHONE and ticket.created_by == world.users["agent"]


def test_a_number_that_already_belongs_to_someone_is_not_given_to_a_new_contact(login, caller) -> None:
    response = login("agent").post(URL, {"phone": "89121234567", "name": "Двойник", "subject": "s", "body": "b"})
    assert response.status_code == 409
    assert not Contact.objects.filter(name="Двойник").exists() and not Ticket.objects.filter(subject="s").exists()


def test_a_ticket_that_cannot_be_opened_leaves_no_new_contact_behind(login) -> None:
    response = login("agent").post(URL, {"phone": "89990001122", "name": "Без темы", "subject": "   ", "body": "b"})
    assert response.status_code == 422
    assert not Contact.objects.filter(name="Без темы").exists()


def test_a_wrong_number_is_shown_as_an_error(login) -> None:
    response = login("agent").get(URL, {"phone": "12-34"})
    assert "is-invalid" in response.content.decode()
    assert login("agent").post(URL, {"phone": "abc", "name": "x", "subject": "s", "body": "b"}).status_code == 422


def test_a_partner_agent_sees_only_callers_of_the_partners_companies(login, world, caller) -> None:
    page = login("partner_agent").get(URL, {"phone": "+79121234567"}).content.decode()
    assert "Ирина Соколова" not in page
    response = login("partner_agent").post(
        URL, {"phone": "+79121234567", "contact": caller.pk, "subject": "s", "body": "b"}
    )
    assert response.status_code == 422 and not Ticket.objects.filter(subject="s").exists()


def test_a_partner_agent_must_put_a_new_caller_in_one_of_the_partners_companies(login, world) -> None:
    other = CompanyFactory.create()
    response = login("partner_agent").post(
        URL, {"phone": "89990001122", "name": "Чужой", "company": other.pk, "subject": "s", "body": "b"}
    )
    assert response.status_code == 422 and not Contact.objects.filter(name="Чужой").exists()


@pytest.mark.parametrize("role", ["customer", "company_admin", "other_customer"])
def test_customers_do_not_get_the_page(login, role: str) -> None:
    assert login(role).get(URL).status_code == 404


def test_the_page_costs_a_fixed_number_of_queries(login, world, django_assert_num_queries) -> None:
    for n in range(4):  # one number, four contacts (known by the phone field only: an identity is one person's)
        other = ContactFactory.create(phone="+79121234567", company=world.ticket_customer.company)
        open_ticket(other, f"Заявка {n}")
    client = login("agent")
    client.get(URL, {"phone": "89121234567"})  # warm the cached queue counts
    with django_assert_num_queries(CALL_PAGE_QUERIES):
        page = client.get(URL, {"phone": "89121234567"}).content.decode()
    assert page.count("ot-call-match") == 4 and "Заявка 2" in page
