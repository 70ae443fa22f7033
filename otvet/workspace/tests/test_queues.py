"""Queues: which tickets each holds, the sidebar per role, and cached counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from otvet.tickets.access import Actor
from otvet.tickets.models import Line
from otvet.tickets.services import ticket_claim, ticket_reply, ticket_resolve, ticket_transfer
from otvet.workspace.queues import queue_counts, queue_counts_forget, queues_for
from otvet.workspace.tests.conftest import HTMX


def listed(client, key: str) -> set[int]:
    """The ticket numbers the queue page lists."""
    response = client.get(reverse("workspace-queue", args=[key]))
    assert response.status_code == 200
    return {ticket.pk for ticket in response.context["page"].items}


def customer_writes_back(world) -> None:
    """Support answered ticket_customer, then the customer wrote again: the first line owes a reply."""
    ticket_reply(ticket=world.ticket_customer, actor=world.actor("agent"), body="Попробуйте сбросить пароль.")
    ticket_reply(ticket=world.ticket_customer, actor=world.actor("customer"), body="Не помогло.")


def test_new_holds_the_open_tickets_without_a_reply_from_support(login, world):
    ticket_reply(ticket=world.ticket_colleague, actor=world.actor("agent"), body="Счёт отправили.")
    assert listed(login("agent"), "new") == {world.ticket_customer.pk, world.ticket_other.pk}


def test_an_internal_note_does_not_take_a_ticket_out_of_new(login, world):
    from otvet.tickets.services import ticket_add_note

    ticket_add_note(ticket=world.ticket_customer, actor=world.actor("agent"), body="Смотрю")
    assert world.ticket_customer.pk in listed(login("agent"), "new")


def test_the_first_line_needs_reply_when_the_customer_wrote_after_our_last_reply(login, world):
    client = login("agent")
    ticket_reply(ticket=world.ticket_customer, actor=world.actor("agent"), body="Попробуйте сбросить пароль.")
    assert listed(client, "needs-reply") == set()  # the ball is in the customer's court
    ticket_reply(ticket=world.ticket_customer, actor=world.actor("customer"), body="Не помогло.")
    assert listed(client, "needs-reply") == {world.ticket_customer.pk}
    assert world.ticket_customer.pk not in listed(client, "new")
    ticket_reply(ticket=world.ticket_customer, actor=world.actor("agent"), body="Проверили, теперь работает.")
    assert listed(client, "needs-reply") == set()


def test_a_ticket_transferred_to_another_line_shows_in_that_lines_queue(login, world):
    second = Line.objects.get(code="second")
    ticket_transfer(ticket=world.ticket_other, actor=world.actor("agent"), line=second, note="Нужен разработчик")
    client = login("agent")
    assert listed(client, "line-second") == {world.ticket_other.pk}
    assert listed(client, "line-marketing") == set()


def test_mine_and_unassigned_split_the_open_tickets_by_assignee(login, world):
    ticket_claim(ticket=world.ticket_customer, actor=world.actor("agent"))
    ticket_claim(ticket=world.ticket_other, actor=world.actor("supervisor"))
    client = login("agent")
    assert listed(client, "mine") == {world.ticket_customer.pk}
    assert listed(client, "unassigned") == {world.ticket_colleague.pk}


def test_solved_tickets_leave_every_queue_but_stay_in_all_tickets(login, world):
    ticket_claim(ticket=world.ticket_customer, actor=world.actor("agent"))
    ticket_resolve(ticket=world.ticket_customer, actor=world.actor("agent"), body="Готово")
    client = login("agent")
    for queue in queues_for(world.actor("agent")).all:
        assert world.ticket_customer.pk not in listed(client, queue.key), queue.key
    response = client.get(reverse("workspace-tickets"), {"state": "solved"})
    assert [t.pk for t in response.context["page"].items] == [world.ticket_customer.pk]


def test_a_partner_agent_works_the_partners_line_instead_of_the_platform_lines(login, world):
    queues = queues_for(world.actor("partner_agent"))
    lines = [queue.line.code for queue in queues.main if queue.line is not None]
    assert lines == [world.ticket_partner.line.code]
    client = login("partner_agent")
    assert listed(client, "new") == {world.ticket_partner.pk}
    assert listed(client, "unassigned") == {world.ticket_partner.pk}
    assert client.get(reverse("workspace-queue", args=["line-second"])).status_code == 404


def test_platform_agents_see_the_five_platform_lines_and_no_partner_line(world):
    queues = queues_for(world.actor("agent"))
    assert [q.key for q in queues.main] == [
        "new",
        "needs-reply",
        "line-second",
        "line-marketing",
        "line-vendor",
        "line-incidents",
        "mine",
        "unassigned",
    ]
    assert queues.partner == []


def test_platform_supervisors_also_get_the_partners_lines(login, world):
    queues = queues_for(world.actor("supervisor"))
    assert [q.line.code for q in queues.partner] == [world.ticket_partner.line.code]
    # The platform's own queues stay the platform's: the partner's ticket is not "new" for the platform.
    client = login("supervisor")
    assert world.ticket_partner.pk not in listed(client, "new")
    assert listed(client, f"line-{world.ticket_partner.line.code}") == {world.ticket_partner.pk}


def test_an_unknown_queue_is_a_404(login):
    assert login("agent").get(reverse("workspace-queue", args=["nope"])).status_code == 404


@pytest.mark.parametrize("role", ["agent", "supervisor", "partner_agent"])
def test_the_counts_equal_the_length_of_each_queue(login, world, role):
    customer_writes_back(world)
    ticket_claim(ticket=world.ticket_other, actor=world.actor("agent"))
    actor = world.actor(role)
    queues = queues_for(actor)
    counts = queue_counts(actor, queues)
    client = login(role)
    for queue in queues.all:
        assert counts[queue.key] == len(listed(client, queue.key)), queue.key


def test_the_counts_of_the_agent_are_exact(world):
    customer_writes_back(world)
    ticket_claim(ticket=world.ticket_other, actor=world.actor("agent"))
    actor = world.actor("agent")
    counts = queue_counts(actor, queues_for(actor))
    assert counts == {
        "new": 2,  # colleague, other
        "needs-reply": 1,  # customer
        "line-second": 0,
        "line-marketing": 0,
        "line-vendor": 0,
        "line-incidents": 0,
        "mine": 1,  # other
        "unassigned": 2,  # customer, colleague
    }


def test_counts_are_cached_and_cost_no_query_while_fresh(world, django_assert_num_queries):
    actor = world.actor("agent")
    queues = queues_for(actor)
    with django_assert_num_queries(2):  # one aggregate for the scope, one count of "mine"
        first = queue_counts(actor, queues)
    ticket_claim(ticket=world.ticket_customer, actor=Actor(user=actor.user, agent=actor.agent))
    with django_assert_num_queries(0):
        assert queue_counts(actor, queues) == first  # stale for up to COUNTS_TTL seconds, by design
    queue_counts_forget(actor)
    assert queue_counts(actor, queues)["mine"] == 1


def test_agents_of_the_same_scope_share_the_cached_counts(world, django_assert_num_queries):
    from otvet.accounts.factories import AgentFactory
    from otvet.tickets.access import actor_for_user

    queue_counts(world.actor("agent"), queues_for(world.actor("agent")))
    colleague = actor_for_user(AgentFactory().user)
    queues = queues_for(colleague)
    with django_assert_num_queries(1):  # only their own "mine"
        assert queue_counts(colleague, queues)["new"] == 3


def test_the_sidebar_polls_its_counts_every_20_seconds(login, world):
    client = login("agent")
    page = client.get(reverse("workspace-home")).content.decode()
    assert 'hx-get="/desk/counts/"' in page and "every 20s" in page
    response = client.get(reverse("workspace-counts"), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert '<span class="badge rounded-pill" id="count-new" hx-swap-oob="true">3</span>' in body


def test_an_action_refreshes_the_agents_own_counts_at_once(login, world):
    client = login("agent")
    client.get(reverse("workspace-counts"))  # warm the cache
    client.post(reverse("workspace-ticket-claim", args=[world.ticket_customer.pk]), **HTMX)
    body = client.get(reverse("workspace-counts")).content.decode()
    assert 'id="count-mine" hx-swap-oob="true">1<' in body


def test_polling_the_counts_is_cheap(login, world, django_assert_num_queries):
    client = login("agent")
    client.get(reverse("workspace-counts"))
    with django_assert_num_queries(4):  # session, user, agent, lines; the counts come from the cache
        client.get(reverse("workspace-counts"), **HTMX)
