"""Ticket lists: rows, order, filters, keyset pagination with htmx, saved views, fixed query counts."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from otvet.core import clock
from otvet.customers.models import Contact
from otvet.search.services import search_reindex
from otvet.tickets.choices import Channel, Priority
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import Category, Criticality, SavedView
from otvet.tickets.services import ticket_claim, ticket_update_fields
from otvet.workspace.tests.conftest import HTMX
from otvet.workspace.views.lists import PAGE_SIZE


def numbers(response) -> list[int]:
    return [ticket.pk for ticket in response.context["page"].items]


def more_tickets(world, count: int) -> None:
    requester: Contact = world.users["customer"].contact
    for index in range(count):
        open_ticket(requester, f"Вопрос {index}", channel=Channel.EMAIL)


def test_a_row_shows_number_subject_company_plan_priority_status_channel_assignee_and_waiting_time(login, world):
    ticket_claim(ticket=world.ticket_customer, actor=world.actor("supervisor"))
    client = login("agent", language="en")
    with time_machine.travel(clock.now() + dt.timedelta(minutes=5, seconds=3), tick=False):
        response = client.get(reverse("workspace-tickets"))
    row = response.content.decode().split(f'data-href="/desk/tickets/{world.ticket_customer.pk}/"')[1].split("</tr>")[0]
    for text in (
        f"#{world.ticket_customer.pk}",
        "Не могу войти в личный кабинет",
        "ООО Ромашка",
        "Premium",
        'text-bg-primary">Normal',
        'text-bg-info">In progress',
        "Portal",
        world.users["supervisor"].name,
        "5\xa0minutes",
    ):
        assert text in row, text


def test_queues_sort_by_priority_then_by_the_longest_wait(login, world):
    ticket_update_fields(ticket=world.ticket_other, actor=world.actor("agent"), priority=Priority.URGENT)
    response = login("agent").get(reverse("workspace-queue", args=["new"]))
    assert numbers(response) == [world.ticket_other.pk, world.ticket_customer.pk, world.ticket_colleague.pk]


def test_the_filter_bar_narrows_the_list_by_each_field(login, world):
    agent = world.actor("agent")
    category = Category.objects.create(name_ru="Доступ", name_en="Access")
    high = Criticality.objects.get(code="high")
    ticket_update_fields(ticket=world.ticket_customer, actor=agent, priority=Priority.HIGH, criticality=high)
    ticket_update_fields(ticket=world.ticket_colleague, actor=agent, category=category)
    ticket_claim(ticket=world.ticket_other, actor=agent)
    client = login("agent")
    cases = {
        "priority": (str(Priority.HIGH.value), [world.ticket_customer]),
        "criticality": ("high", [world.ticket_customer]),
        "category": (str(category.pk), [world.ticket_colleague]),
        "company": (str(world.ticket_other.company_id), [world.ticket_other]),
        "assignee": ("me", [world.ticket_other]),
        "status": ("in_progress", [world.ticket_other]),
        "channel": ("email", []),
        "line": ("first", [world.ticket_customer, world.ticket_colleague, world.ticket_other]),
        "state": ("closed", []),
    }
    for name, (value, expected) in cases.items():
        response = client.get(reverse("workspace-tickets"), {name: value})
        assert set(numbers(response)) == {t.pk for t in expected}, name
    response = client.get(reverse("workspace-queue", args=["new"]), {"priority": Priority.HIGH.value})
    assert numbers(response) == [world.ticket_customer.pk]


def test_nonsense_filter_values_are_ignored_not_an_error(login):
    response = login("agent").get(reverse("workspace-tickets"), {"priority": "abc", "company": "x", "sort": "?"})
    assert response.status_code == 200 and len(numbers(response)) == 3


def test_show_more_appends_the_next_page_of_rows_with_htmx(login, world):
    more_tickets(world, PAGE_SIZE)
    client = login("agent", language="en")
    first = client.get(reverse("workspace-queue", args=["new"]))
    assert len(numbers(first)) == PAGE_SIZE
    cursor = first.context["page"].next_cursor
    assert cursor and f'hx-get="?cursor={cursor}"' in first.content.decode() and "Show more" in first.content.decode()
    second = client.get(reverse("workspace-queue", args=["new"]), {"cursor": cursor}, **HTMX)
    body = second.content.decode()
    assert second.templates[0].name == "workspace/_rows.html"
    assert "<html" not in body and "ot-sidebar" not in body and body.lstrip().startswith("<tr")
    assert len(numbers(second)) == 3 and set(numbers(first)).isdisjoint(numbers(second))
    assert second.context["page"].next_cursor is None


def test_a_broken_cursor_starts_the_list_again(login):
    response = login("agent").get(reverse("workspace-tickets"), {"cursor": "garbage"})
    assert response.status_code == 302 and response["Location"] == reverse("workspace-tickets")


def test_search_finds_tickets_by_words_of_their_subject(login, world):
    search_reindex()  # tests run inside a transaction: the on-commit indexing never fired
    response = login("agent").get(reverse("workspace-tickets"), {"q": "счёт"})
    assert numbers(response) == [world.ticket_colleague.pk]


# session, user, agent, lines (the queues), rows, statuses, criticality levels, categories, agents, saved views;
# the sidebar's counts come from the cache, as they do between two polls.
LIST_QUERIES = 10


def assert_list_queries(client, django_assert_num_queries, url: str, expected: int) -> None:
    client.get(url)  # warms the cached counts
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


def test_the_queue_list_costs_the_same_queries_for_few_and_many_tickets(login, world, django_assert_num_queries):
    client = login("agent")
    url = reverse("workspace-queue", args=["new"])
    assert_list_queries(client, django_assert_num_queries, url, LIST_QUERIES)
    more_tickets(world, 30)
    for ticket in world.ticket_customer.requester.tickets.all()[:10]:
        ticket_claim(ticket=ticket, actor=world.actor("supervisor"))
    assert_list_queries(client, django_assert_num_queries, url, LIST_QUERIES)


def test_all_tickets_costs_the_same_queries_for_few_and_many_tickets(login, world, django_assert_num_queries):
    client = login("agent")
    url = reverse("workspace-tickets") + f"?company={world.ticket_customer.company_id}"
    assert_list_queries(client, django_assert_num_queries, url, LIST_QUERIES + 1)  # + the filter's company
    more_tickets(world, 30)
    assert_list_queries(client, django_assert_num_queries, url, LIST_QUERIES + 1)


def test_show_more_costs_the_same_queries_on_every_page(login, world, django_assert_num_queries):
    more_tickets(world, PAGE_SIZE * 2)
    client = login("agent")
    url = reverse("workspace-queue", args=["new"])
    cursor = client.get(url).context["page"].next_cursor
    with django_assert_num_queries(5):  # session, user, agent, lines, rows
        cursor = client.get(url, {"cursor": cursor}, **HTMX).context["page"].next_cursor
    with django_assert_num_queries(5):
        client.get(url, {"cursor": cursor}, **HTMX)


def test_saving_a_view_keeps_the_current_filters_and_lists_it_in_the_sidebar(login, world):
    client = login("agent")
    data = {"name": "Срочные без ответственного", "priority": "40", "assignee": "none", "cursor": "x", "evil": "1"}
    response = client.post(reverse("workspace-views"), data)
    view = SavedView.objects.get(owner=world.users["agent"])
    assert view.params == {"priority": "40", "assignee": "none"}
    assert response.status_code == 302 and response["Location"].endswith(f"?{view.querystring}&view={view.pk}")
    page = client.get(response["Location"])
    assert page.context["title"] == "Срочные без ответственного"
    assert page.context["params"].values["priority"] == "40"
    assert "Срочные без ответственного" in client.get(reverse("workspace-home")).content.decode()


def test_saving_a_view_under_an_existing_name_replaces_its_filters(login, world):
    client = login("agent")
    client.post(reverse("workspace-views"), {"name": "Мой вид", "priority": "40"})
    client.post(reverse("workspace-views"), {"name": "Мой вид", "line": "second"})
    assert list(SavedView.objects.values_list("name", "params")) == [("Мой вид", {"line": "second"})]


def test_a_view_without_a_name_is_not_saved(login):
    response = login("agent").post(reverse("workspace-views"), {"name": " ", "priority": "40"})
    assert response.status_code == 302 and "priority=40" in response["Location"]
    assert not SavedView.objects.exists()


def test_saved_views_are_personal(login, world):
    SavedView.objects.create(owner=world.users["supervisor"], name="Вид руководителя", params={})
    assert "Вид руководителя" not in login("agent").get(reverse("workspace-home")).content.decode()


def test_deleting_a_saved_view_removes_it(login, world):
    view = SavedView.objects.create(owner=world.users["agent"], name="Старый", params={"line": "vendor"})
    response = login("agent").post(reverse("workspace-view-delete", args=[view.pk]), {"next": "/desk/tickets/"})
    assert response.status_code == 302 and response["Location"] == "/desk/tickets/"
    assert not SavedView.objects.exists()
