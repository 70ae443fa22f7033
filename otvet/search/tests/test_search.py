"""Full-text search over subjects and messages, Russian and English, stemmed, on SQLite FTS5 and PostgreSQL."""

from __future__ import annotations

import pytest

from otvet.customers.factories import ContactFactory
from otvet.search.services import search_reindex, tickets_matching
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import Ticket
from otvet.tickets.services import ticket_add_note, ticket_reply, ticket_update_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block's on-commit work (the search indexing job), as a real commit would."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def found(query: str, *, internal: bool = True) -> set[int]:
    return set(tickets_matching(Ticket.objects.all(), query, include_internal=internal).values_list("pk", flat=True))


def test_an_inflected_russian_word_finds_its_other_forms(committed):
    ticket = committed(open_ticket, ContactFactory(), "Не могу войти в личный кабинет")
    other = committed(open_ticket, ContactFactory(), "Счёт на оплату")
    assert found("кабинета") == {ticket.pk}
    assert found("кабинетом") == {ticket.pk}
    assert found("оплаты") == {other.pk}


def test_english_words_are_stemmed_too(committed):
    ticket = committed(open_ticket, ContactFactory(), "Payments are failing", body="Our payment was declined twice")
    assert found("payment") == {ticket.pk}
    assert found("declines") == {ticket.pk}


def test_message_bodies_are_searched(committed):
    ticket = committed(open_ticket, ContactFactory(), "Вопрос")
    committed(ticket_reply, ticket=ticket, actor=_customer(ticket), body="Интеграция с 1С перестала выгружать заказы")
    assert found("заказ интеграции") == {ticket.pk}


def test_internal_notes_are_found_only_when_allowed(committed, world):
    committed(ticket_add_note, ticket=world.ticket_customer, actor=world.actor("agent"), body="Должник по оплате")
    assert world.ticket_customer.pk in found("должник", internal=True)
    assert found("должник", internal=False) == set()


def test_every_word_must_match_unless_or_is_said(committed):
    a = committed(open_ticket, ContactFactory(), "Доставка задерживается")
    b = committed(open_ticket, ContactFactory(), "Возврат товара")
    assert found("доставка возврат") == set()
    assert found("доставка or возврат") == {a.pk, b.pk}
    assert found("доставка -возврат") == {a.pk}


def test_a_changed_subject_is_reindexed(committed):
    ticket = committed(open_ticket, ContactFactory(), "Старая тема")
    committed(ticket_update_fields, ticket=ticket, actor=_system(), subject="Новая проблема с авторизацией")
    assert found("авторизация") == {ticket.pk}
    assert found("старой") == set()


@pytest.mark.parametrize("query", ["", "   ", "!!!", '"', "-минус", "AND OR NOT", "кабинет*"])
def test_odd_queries_never_break(query):
    open_ticket(ContactFactory())
    tickets = tickets_matching(Ticket.objects.all(), query, include_internal=False)
    assert isinstance(list(tickets), list)


def test_reindex_rebuilds_everything():
    ticket = open_ticket(ContactFactory(), "Синхронизация каталога")  # not committed: not indexed yet
    assert found("каталог") == set()
    assert search_reindex() == 2  # the subject and the first message
    assert found("каталог") == {ticket.pk}


def _customer(ticket):
    from otvet.tickets.access import Actor

    return Actor(contact=ticket.requester)


def _system():
    from otvet.tickets.access import Actor

    return Actor.system("test")
