"""The workspace page, the form, and the composer's picker: scopes, query counts, inserting and counting."""

from __future__ import annotations

from django.urls import reverse

from otvet.canned.models import CannedResponse
from otvet.testing.fixtures import World

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_page_lists_shared_and_own_ones_by_category_and_not_another_agents(world: World, canned, login) -> None:
    canned("agent", "mine", title="Мой ответ", category="Оплата")
    canned("supervisor", "shared", title="Общий ответ", category="Доступ", shared=True)
    canned("supervisor", "secret", title="Чужой ответ")
    body = login("agent").get(reverse("canned-list")).content.decode()
    assert "Мой ответ" in body and "Общий ответ" in body and "Чужой ответ" not in body
    groups = [
        body.index(">Доступ</h2>"),
        body.index("Общий ответ"),
        body.index(">Оплата</h2>"),
        body.index("Мой ответ"),
    ]
    assert groups == sorted(groups)


def test_another_agents_personal_response_is_a_404_to_edit_delete_or_use(world: World, canned, login) -> None:
    theirs = canned("supervisor", "theirs")
    client = login("agent")
    number = world.ticket_customer.number
    assert client.get(reverse("canned-edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("canned-delete", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("canned-use", args=[theirs.pk, number])).status_code == 404
    assert CannedResponse.objects.filter(pk=theirs.pk, usage_count=0).exists()


def test_an_agent_may_not_edit_or_delete_a_shared_one(world: World, canned, login) -> None:
    shared = canned("supervisor", "shared", shared=True)
    client = login("agent")
    assert client.get(reverse("canned-edit", args=[shared.pk])).status_code == 403
    assert client.post(reverse("canned-delete", args=[shared.pk])).status_code == 403
    assert CannedResponse.objects.filter(pk=shared.pk).exists()


def test_customers_do_not_reach_the_pages(world: World, canned, login) -> None:
    shared = canned("supervisor", "shared", shared=True)
    client = login("customer")
    assert client.get(reverse("canned-list")).status_code == 404
    assert client.get(reverse("canned-search"), {"q": "shared"}).status_code == 404
    assert client.post(reverse("canned-use", args=[shared.pk, world.ticket_customer.number])).status_code == 404


def test_an_agent_creates_a_personal_one_and_a_supervisor_a_shared_one_with_the_form(world: World, login) -> None:
    data = {
        "title": "Привет",
        "shortcut": "hi",
        "category": "Общее",
        "body": "Здравствуйте, {name}!",
        "is_active": "on",
    }
    response = login("agent").post(reverse("canned-new"), {**data, "shared": "on"})
    assert response.status_code == 302
    mine = CannedResponse.objects.get()
    assert mine.owner == world.users["agent"].agent  # "shared" is not offered to agents, so it is ignored
    response = login("supervisor").post(reverse("canned-new"), {**data, "shared": "on"})
    assert response.status_code == 302
    assert CannedResponse.objects.filter(owner__isnull=True, shortcut="hi").exists()


def test_a_taken_shortcut_is_shown_next_to_its_field(world: World, canned, login) -> None:
    canned("agent", "hi")
    data = {"title": "Привет", "shortcut": "hi", "body": "Текст"}
    response = login("agent").post(reverse("canned-new"), data)
    assert response.status_code == 422
    assert "is-invalid" in response.content.decode() and CannedResponse.objects.count() == 1


def test_an_agent_edits_and_deletes_their_own(world: World, canned, login) -> None:
    mine = canned("agent", "mine")
    client = login("agent")
    data = {"title": "Исправлено", "shortcut": "mine", "body": "Новый текст"}
    assert client.post(reverse("canned-edit", args=[mine.pk]), data).status_code == 302
    mine.refresh_from_db()
    assert mine.title == "Исправлено" and mine.body == "Новый текст" and not mine.is_active
    assert client.post(reverse("canned-delete", args=[mine.pk])).status_code == 302
    assert not CannedResponse.objects.exists()


# session, user, agent, the matches (limited)
SEARCH_QUERIES = 4


def test_the_picker_search_costs_the_same_queries_however_many_responses(
    world: World, canned, login, django_assert_num_queries
) -> None:
    client = login("agent")
    url = reverse("canned-search")
    for index in range(3):
        canned("agent", f"pwd-{index}", title=f"Пароль {index}")
    with django_assert_num_queries(SEARCH_QUERIES):
        client.get(url, {"q": "пароль"}, **HTMX)
    for index in range(3, 40):
        canned("agent", f"pwd-{index}", title=f"Пароль {index}")
    with django_assert_num_queries(SEARCH_QUERIES):
        body = client.get(url, {"q": "ПАРОЛЬ"}, **HTMX).content.decode()
    assert body.count("data-canned-choice") == 10


def test_choosing_a_response_returns_it_filled_for_the_ticket_and_counts_the_use(world: World, canned, login) -> None:
    world.users["agent"].name = "Ирина"
    world.users["agent"].save()
    response = canned("supervisor", "greet", shared=True, body="{name}, заявка #{number}. {agent}")
    ticket = world.ticket_customer
    client = login("agent")
    answer = client.post(reverse("canned-use", args=[response.pk, ticket.number]))
    assert answer.json() == {"text": f"{ticket.requester.name}, заявка #{ticket.number}. Ирина"}
    client.post(reverse("canned-use", args=[response.pk, ticket.number]))
    response.refresh_from_db()
    assert response.usage_count == 2


def test_a_ticket_outside_the_agents_scope_is_a_404_when_using_a_response(world: World, canned, login) -> None:
    response = canned("agent", "mine")
    answer = login("agent").post(reverse("canned-use", args=[response.pk, world.ticket_partner.number]))
    assert answer.status_code == 404


def test_the_ticket_page_offers_the_picker(world: World, login) -> None:
    body = login("agent").get(reverse("workspace-ticket", args=[world.ticket_customer.number])).content.decode()
    assert "data-canned-toggle" in body and "data-canned-picker" in body and "canned/picker.js" in body
    assert reverse("canned-use", args=[0, world.ticket_customer.number]) in body
