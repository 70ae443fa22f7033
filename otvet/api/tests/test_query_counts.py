"""List and detail requests run a fixed number of SQL queries, whatever the page or table size (STYLE.md).

Baselines: 1 query for the token (bringing the user's agent profile or contact along), then the request's
own reads: the page with its per-ticket joins, and one query for each prefetched vocabulary (status, line, plan,
criticality, category; see tickets/api/common.py); a filter by line code reads the line's id first.
The first request of a token also writes last_used_at, so each test warms its client up first.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from otvet.accounts.factories import AgentFactory
from otvet.api.tests.conftest import ApiClient
from otvet.customers.factories import ContactFactory
from otvet.testing.fixtures import World
from otvet.tickets.access import Actor
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import Category, Criticality
from otvet.tickets.services import ticket_add_note, ticket_assign, ticket_update_fields


def queries(call: Callable[[], tuple[int, object]]) -> int:
    with CaptureQueriesContext(connection) as context:
        status, _ = call()
    assert status == 200
    return len(context.captured_queries)


def grow(world: World, count: int) -> None:
    """More tickets for company A, each with every relation the output renders (assignee, category, ...)."""
    system = Actor.system("tests")
    category = Category.objects.create(name_ru="Доступ", name_en="Access")
    criticality = Criticality.objects.get(code="high")
    contact = world.users["customer"].contact
    for index in range(count):
        ticket = open_ticket(contact, f"Заявка {index}")
        ticket = ticket_update_fields(ticket=ticket, actor=system, category=category, criticality=criticality)
        ticket_assign(ticket=ticket, actor=system, assignee=AgentFactory())
        ticket_add_note(ticket=ticket, actor=system, body="Заметка")


@pytest.mark.parametrize(("role", "expected"), [("agent", 7), ("customer", 7)])
@pytest.mark.parametrize("params", [{}, {"ordering": "updated"}, {"q": "заявка", "line": "first"}])
def test_the_ticket_list_runs_the_same_queries_for_5_or_50_tickets(
    world: World, api, django_capture_on_commit_callbacks, role, expected, params
) -> None:
    if role == "customer" and "line" in params:
        params = {"q": "заявка"}
    client: ApiClient = api(role)
    client.get("/me")
    with django_capture_on_commit_callbacks(execute=True):  # indexed for search, as in production
        grow(world, 5)
    few = queries(lambda: client.get("/tickets", params | {"limit": 200}))
    with django_capture_on_commit_callbacks(execute=True):
        grow(world, 45)
    many = queries(lambda: client.get("/tickets", params | {"limit": 200}))
    assert few == many == expected + (1 if "line" in params else 0)
    assert len(client.get("/tickets", params | {"limit": 200})[1]["items"]) >= 50


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        # The bearer token was cached by the first request (/me): no query of its own from then on.
        ("/tickets/{number}", 1),
        ("/tickets/{number}/messages", 3),
        ("/tickets/{number}/events", 2),
    ],
)
def test_ticket_detail_messages_and_events_run_a_fixed_number_of_queries(world: World, api, path, expected) -> None:
    client: ApiClient = api("agent")
    client.get("/me")
    number = world.ticket_customer.pk
    system = Actor.system("tests")
    url = path.format(number=number)
    few = queries(lambda: client.get(url))
    for index in range(30):
        ticket_add_note(ticket=world.ticket_customer, actor=system, body=f"Заметка {index}")
    many = queries(lambda: client.get(url))
    assert few == many == expected


@pytest.mark.parametrize(("path", "expected"), [("/companies", 2), ("/contacts", 2)])
def test_company_and_contact_lists_run_a_fixed_number_of_queries(world: World, api, path, expected) -> None:
    client: ApiClient = api("agent")
    client.get("/me")
    ContactFactory.create_batch(1)  # saving contacts forgets cached tokens: both counts include the token's query
    few = queries(lambda: client.get(path))
    ContactFactory.create_batch(20)  # each with a company of its own
    many = queries(lambda: client.get(path))
    assert few == many == expected
