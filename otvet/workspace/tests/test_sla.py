"""SLA in the workspace: the badge in lists and on the ticket, the clock timeline, the report and who may see it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from otvet.automation.timers import timers_sweep
from otvet.sla.tests.test_clocks import MONDAY, at, process
from otvet.testing.fixtures import World
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import Status, Ticket
from otvet.tickets.services import ticket_change_status, ticket_claim
from otvet.workspace.tests.test_lists import LIST_QUERIES
from otvet.workspace.tests.test_ticket_page import TICKET_PAGE_QUERIES

# session, user, agent; sidebar: lines and saved views (counts cached); the report: three counts, three names.
REPORT_QUERIES = 11


def opened(world: World, subject: str, moment: dt.datetime = MONDAY) -> Ticket:
    with at(moment):
        ticket = open_ticket(world.users["customer"].contact, subject)
        process(ticket)
    return ticket


def row_of(body: str, ticket: Ticket) -> str:
    return body.split(f'data-href="/desk/tickets/{ticket.pk}/"')[1].split("</tr>")[0]


def test_a_list_row_shows_the_time_left_or_overdue(login, world: World) -> None:
    soon = opened(world, "Скоро срок")
    late = opened(world, "Просрочена", MONDAY - dt.timedelta(minutes=40))
    client = login("agent", language="en")
    with at(MONDAY + dt.timedelta(minutes=5)):
        body = client.get(reverse("workspace-tickets")).content.decode()
    assert "in 25 min" in row_of(body, soon) and "text-bg-warning" in row_of(body, soon)
    assert "overdue by 15 min" in row_of(body, late) and "text-bg-danger" in row_of(body, late)
    assert "ot-sla-badge" not in row_of(body, world.ticket_customer)  # no SLA events processed: no badge


def test_a_paused_ticket_shows_paused(login, world: World) -> None:
    ticket = opened(world, "Ждём клиента")
    with at(MONDAY + dt.timedelta(minutes=5)):
        ticket_change_status(ticket=ticket, actor=world.actor("agent"), status=Status.objects.get(code="waiting_reply"))
        process(ticket)
    with at(MONDAY + dt.timedelta(minutes=10)):
        body = login("agent", language="en").get(reverse("workspace-tickets")).content.decode()
    assert "paused" in row_of(body, ticket)


def test_the_list_costs_the_same_queries_with_sla_for_few_and_many_rows(
    login, world: World, django_assert_num_queries
) -> None:
    opened(world, "Первая")
    client = login("agent")
    url = reverse("workspace-tickets")
    client.get(url)  # warms the cached counts
    with django_assert_num_queries(LIST_QUERIES):
        client.get(url)
    for index in range(6):
        opened(world, f"Ещё {index}")
    client.get(url)
    with django_assert_num_queries(LIST_QUERIES):
        body = client.get(url).content.decode()
    assert body.count("ot-sla-badge") == 7


def test_the_ticket_page_shows_the_badge_and_the_clock_timeline_in_one_more_query(
    login, world: World, django_assert_num_queries
) -> None:
    ticket = opened(world, "С таймлайном")
    waiting = Status.objects.get(code="waiting_reply")
    with at(MONDAY + dt.timedelta(minutes=5)):
        ticket_change_status(ticket=ticket, actor=world.actor("agent"), status=waiting)
        process(ticket)
    client = login("agent", language="en")
    url = reverse("workspace-ticket", args=[ticket.pk])
    with at(MONDAY + dt.timedelta(minutes=6)):
        client.get(url)  # warms the cached counts
        with django_assert_num_queries(TICKET_PAGE_QUERIES + 1):
            body = client.get(url).content.decode()
    panel = body.split('id="ticket-sla"')[1].split("</section>")[0]
    assert "First response: started" in panel and "Resolution: paused" in panel
    assert "Ожидает ответа" in panel  # the reason, in the installation's language
    assert "paused" in body.split('id="ticket-header"')[1].split("</header>")[0]


def test_a_ticket_without_sla_costs_no_extra_query(login, world: World, django_assert_num_queries) -> None:
    client = login("agent", language="en")
    url = reverse("workspace-ticket", args=[world.ticket_customer.pk])
    client.get(url)
    with django_assert_num_queries(TICKET_PAGE_QUERIES):
        body = client.get(url).content.decode()
    assert "No SLA policy applies to this ticket." in body


@pytest.mark.parametrize(
    ("role", "status"),
    [("supervisor", 200), ("admin", 200), ("agent", 404), ("partner_agent", 404), ("customer", 404)],
)
def test_the_report_is_for_supervisors_and_admins(login, world: World, role: str, status: int) -> None:
    response = login(role).get(reverse("workspace-sla"))
    assert response.status_code == status


def test_the_report_asks_a_login_of_anonymous_visitors(client) -> None:
    response = client.get(reverse("workspace-sla"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_report_shows_the_period_counts_and_the_nav_link(login, world: World, django_assert_num_queries) -> None:
    ticket = opened(world, "Отчёт")
    with at(MONDAY + dt.timedelta(minutes=1)):
        ticket_claim(ticket=ticket, actor=world.actor("agent"))
    client = login("supervisor", language="en")
    url, period = reverse("workspace-sla"), {"from": "2026-12-01", "to": "2026-12-07"}
    later = MONDAY + dt.timedelta(hours=1)
    with at(later):
        timers_sweep(later)  # the first response breaches
        client.get(url)  # warms the cached counts
        with django_assert_num_queries(REPORT_QUERIES):
            body = client.get(url, period).content.decode()
    assert 'value="2026-12-01"' in body and 'value="2026-12-07"' in body
    assert url in body.split('id="desk-nav"')[1]
    for index in range(5):
        opened(world, f"Ещё {index}")
    with at(later):
        timers_sweep(later)
        client.get(url)  # the new tickets' events cleared the cached counts (otvet/live): warm them again
        with django_assert_num_queries(REPORT_QUERIES):
            body = client.get(url, period).content.decode()
    overall = body.split(">Overall</h2>")[1].split("</table>")[0]
    assert '<td class="text-end text-danger">6</td>' in overall
    assert '<td class="text-end">0%</td>' in overall
    outside = client.get(url, {"from": "2026-11-01", "to": "2026-11-30"}).content.decode()
    assert "text-danger" not in outside.split(">Overall</h2>")[1].split("</section>")[0]
