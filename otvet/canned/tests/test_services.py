"""Scopes, permissions, placeholders and languages of canned responses (services, selectors, texts)."""

from __future__ import annotations

import pytest

from otvet.canned.models import CannedResponse
from otvet.canned.selectors import canned_get_for_user, canned_list, canned_search, canned_visible_to
from otvet.canned.services import canned_delete, canned_update, canned_use
from otvet.core import clock
from otvet.core.errors import InvalidInput, NotFound, PermissionDenied
from otvet.testing.fixtures import World


def test_an_agent_sees_the_shared_ones_and_their_own_never_another_agents(world: World, canned) -> None:
    mine = canned("agent", "mine")
    theirs = canned("supervisor", "theirs")
    shared = canned("supervisor", "shared", shared=True)
    assert set(canned_visible_to(world.actor("agent"))) == {mine, shared}
    assert set(canned_visible_to(world.actor("supervisor"))) == {theirs, shared}
    with pytest.raises(NotFound):
        canned_get_for_user(world.actor("supervisor"), mine.pk)
    assert canned_search(world.actor("admin"), "") == [shared]


def test_a_partners_agents_see_their_partners_shared_ones_not_the_platforms(world: World, canned) -> None:
    platform = canned("supervisor", "platform", shared=True)
    partner_own = canned("partner_agent", "own")
    assert list(canned_visible_to(world.actor("partner_agent"))) == [partner_own]
    assert platform.partner_id is None and partner_own.partner_id is not None
    assert not canned_visible_to(world.actor("customer")).exists()


def test_only_supervisors_and_admins_create_and_change_shared_ones(world: World, canned) -> None:
    with pytest.raises(PermissionDenied):
        canned("agent", "x", shared=True)
    shared = canned("admin", "hello", shared=True)
    assert shared.owner_id is None and shared.created_by == world.users["admin"].agent
    with pytest.raises(PermissionDenied):
        canned_update(canned=shared, actor=world.actor("agent"), data={"title": "t", "body": "b", "shortcut": "s"})
    with pytest.raises(PermissionDenied):
        canned_delete(canned=shared, actor=world.actor("agent"))
    canned_update(canned=shared, actor=world.actor("supervisor"), data={"title": "Новое", "body": "b", "shortcut": "s"})
    shared.refresh_from_db()
    assert shared.title == "Новое" and shared.updated_by == world.users["supervisor"].agent


def test_a_shortcut_is_unique_among_shared_ones_and_per_owner(world: World, canned) -> None:
    canned("supervisor", "pwd-reset", shared=True)
    canned("agent", "pwd-reset")  # a personal one may reuse a shared shortcut
    canned("supervisor", "pwd-reset")  # and so may another agent's
    for role, shared in (("admin", True), ("agent", False)):
        with pytest.raises(InvalidInput) as error:
            canned(role, "/PWD Reset", shared=shared)
        assert "shortcut" in error.value.fields
    assert CannedResponse.objects.count() == 3


def test_placeholders_are_filled_with_the_customer_the_ticket_and_the_agent(world: World, canned) -> None:
    world.users["agent"].name = "Ирина Петрова"
    world.users["agent"].save()
    ticket = world.ticket_customer
    body = "Здравствуйте, {name}! Заявка #{number} ({subject}) от {company}. {agent}. {unknown}"
    response = canned("agent", "greet", body=body)
    text = canned_use(canned=response, ticket=ticket, actor=world.actor("agent"), at=clock.now())
    requester = ticket.requester
    assert text == (
        f"Здравствуйте, {requester.name}! Заявка #{ticket.number} ({ticket.subject}) от ООО Ромашка. "
        "Ирина Петрова. {unknown}"
    )


def test_an_english_speaking_customer_gets_the_english_text(world: World, canned) -> None:
    response = canned("agent", "thanks", body="Спасибо, {name}!", body_en="Thank you, {name}! Ticket #{number}.")
    ticket = world.ticket_other
    russian = canned_use(canned=response, ticket=ticket, actor=world.actor("agent"))
    ticket.requester.language = "en"
    ticket.requester.save()
    english = canned_use(canned=response, ticket=ticket, actor=world.actor("agent"))
    assert russian == f"Спасибо, {ticket.requester.name}!"
    assert english == f"Thank you, {ticket.requester.name}! Ticket #{ticket.number}."


def test_without_an_english_text_everyone_gets_the_russian_one(world: World, canned) -> None:
    response = canned("agent", "ru-only", body="Только по-русски, {name}")
    ticket = world.ticket_other
    ticket.requester.language = "en"
    ticket.requester.save()
    assert canned_use(canned=response, ticket=ticket, actor=world.actor("agent")).startswith("Только по-русски")


def test_each_use_is_counted(world: World, canned) -> None:
    response = canned("agent", "count")
    for _ in range(3):
        canned_use(canned=response, ticket=world.ticket_customer, actor=world.actor("agent"))
    response.refresh_from_db()
    assert response.usage_count == 3


def test_the_search_finds_russian_words_in_any_case_and_only_active_ones(world: World, canned) -> None:
    canned("agent", "pwd-reset", title="Смена пароля", body="Нажмите «Забыли пароль?»")
    canned("agent", "off", title="Смена тарифа", is_active=False)
    canned("agent", "invoice", title="Счёт")
    agent = world.actor("agent")
    assert [c.shortcut for c in canned_search(agent, "СМЕНА")] == ["pwd-reset"]
    assert [c.shortcut for c in canned_search(agent, "/pwd")] == ["pwd-reset"]
    assert [c.shortcut for c in canned_search(agent, "забыли пароль")] == ["pwd-reset"]
    assert {c.shortcut for c in canned_list(agent, query="смена")} == {"pwd-reset", "off"}


def test_the_demo_loads_ten_shared_responses_in_both_languages_once(db: None) -> None:
    from otvet.canned.demo import canned_demo_load

    assert canned_demo_load() == 10
    assert canned_demo_load() == 0
    rows = CannedResponse.objects.all()
    assert rows.count() == 10 and all(row.is_shared and row.body_en and row.category for row in rows)
    assert len({row.category for row in rows}) >= 4
