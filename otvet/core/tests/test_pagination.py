"""Keyset pagination walks every row once, in order, with mixed directions and ties."""

from __future__ import annotations

import datetime as dt

import pytest

from otvet.core.errors import InvalidInput
from otvet.core.pagination import paginate
from otvet.customers.factories import ContactFactory
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import Ticket

QUEUE = ("-priority", "waiting_since", "number")
T0 = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def walk(ordering: tuple[str, ...], size: int) -> list[int]:
    numbers, cursor = [], None
    while True:
        page = paginate(Ticket.objects.all(), ordering, cursor, size)
        numbers += [t.pk for t in page.items]
        if page.next_cursor is None:
            return numbers
        cursor = page.next_cursor


@pytest.fixture
def tickets(db) -> list[Ticket]:
    contact = ContactFactory()
    rows = [open_ticket(contact, f"Тема {i}") for i in range(13)]
    # Ties on priority and on waiting_since, so the tiebreaker matters.
    for i, ticket in enumerate(rows):
        Ticket.objects.filter(pk=ticket.pk).update(
            priority=(10, 20, 40)[i % 3], waiting_since=T0 + dt.timedelta(minutes=i // 4)
        )
    return rows


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 12, 13, 14])
@pytest.mark.parametrize("ordering", [QUEUE, ("-updated_at", "-number"), ("number",)])
def test_walking_all_pages_gives_every_row_once_in_order(tickets, ordering, size):
    expected = list(Ticket.objects.order_by(*ordering).values_list("pk", flat=True))
    assert walk(ordering, size) == expected


def test_a_tampered_cursor_is_an_input_error(tickets):
    for cursor in ("not-base64!", "W10", "WzEsMiwzLDRd"):
        with pytest.raises(InvalidInput) as error:
            paginate(Ticket.objects.all(), QUEUE, cursor, 5)
        assert "cursor" in error.value.fields


def test_page_size_is_bounded(tickets):
    with pytest.raises(InvalidInput):
        paginate(Ticket.objects.all(), QUEUE, None, 0)
    with pytest.raises(InvalidInput):
        paginate(Ticket.objects.all(), QUEUE, None, 10_000)


def test_one_page_is_one_query(tickets, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = paginate(Ticket.objects.all(), QUEUE, None, 5)
    with django_assert_num_queries(1):
        paginate(Ticket.objects.all(), QUEUE, page.next_cursor, 5)
