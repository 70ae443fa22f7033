"""Claim («Я отвечу»), release, transfer, resolve, reopen and rate through the API."""

from __future__ import annotations

from otvet.testing.fixtures import World
from otvet.tickets.models import Rating


def test_claiming_assigns_the_ticket_and_starts_work(world: World, api) -> None:
    status, ticket = api("agent").post(f"/tickets/{world.ticket_customer.pk}/claim")
    assert status == 200
    assert ticket["assignee"]["id"] == world.users["agent"].agent.pk
    assert ticket["status"]["category"] == "open"


def test_claiming_a_ticket_another_agent_holds_is_a_409(world: World, api) -> None:
    number = world.ticket_customer.pk
    api("agent").post(f"/tickets/{number}/claim")
    status, answer = api("supervisor").post(f"/tickets/{number}/claim", {"force": False})
    assert status == 409
    assert answer["error"]["code"] == "already_claimed"
    assert api("agent").get(f"/tickets/{number}")[1]["assignee"]["id"] == world.users["agent"].agent.pk


def test_a_supervisor_may_force_a_claim_and_an_agent_may_not(world: World, api) -> None:
    number = world.ticket_customer.pk
    api("supervisor").post(f"/tickets/{number}/claim")
    assert api("agent").post(f"/tickets/{number}/claim", {"force": True})[0] == 403
    api("supervisor").post(f"/tickets/{number}/release")
    api("agent").post(f"/tickets/{number}/claim")
    status, ticket = api("admin").post(f"/tickets/{number}/claim", {"force": True})
    assert status == 200 and ticket["assignee"]["id"] == world.users["admin"].agent.pk


def test_only_the_assignee_or_a_supervisor_releases(world: World, api) -> None:
    number = world.ticket_customer.pk
    api("supervisor").post(f"/tickets/{number}/claim")
    assert api("agent").post(f"/tickets/{number}/release")[0] == 403
    status, ticket = api("supervisor").post(f"/tickets/{number}/release")
    assert status == 200 and ticket["assignee"] is None


def test_a_transfer_moves_the_ticket_to_the_line_with_a_note(world: World, api) -> None:
    number = world.ticket_customer.pk
    status, ticket = api("agent").post(f"/tickets/{number}/transfer", {"line": "second", "note": "Нужен доступ к БД"})
    assert status == 200 and ticket["line"]["code"] == "second"
    _, page = api("agent").get(f"/tickets/{number}/messages")
    assert page["items"][-1]["kind"] == "note"


def test_a_transfer_to_an_unknown_line_or_the_same_line_is_a_422(world: World, api) -> None:
    number = world.ticket_customer.pk
    assert api("agent").post(f"/tickets/{number}/transfer", {"line": "nowhere"})[1]["error"]["fields"] == {
        "line": "Unknown line."
    }
    assert api("agent").post(f"/tickets/{number}/transfer", {"line": "first"})[0] == 422


def test_a_partner_ticket_reaches_platform_agents_after_the_partner_transfers_it(world: World, api) -> None:
    number = world.ticket_partner.pk
    assert api("agent").get(f"/tickets/{number}")[0] == 404
    assert api("partner_agent").post(f"/tickets/{number}/transfer", {"line": "second"})[0] == 200
    assert api("agent").get(f"/tickets/{number}")[0] == 200


def test_resolve_answers_and_solves_and_the_requester_rates_then_reopens(world: World, api) -> None:
    number = world.ticket_customer.pk
    status, ticket = api("agent").post(f"/tickets/{number}/resolve", {"body": "Сбросили пароль"})
    assert status == 200
    assert ticket["status"]["category"] == "solved" and ticket["resolved_at"]
    assert api("agent").post(f"/tickets/{number}/resolve", {"body": "Ещё раз"})[0] == 409

    status, rating = api("customer").post(f"/tickets/{number}/rate", {"mark": "satisfied", "comment": "Спасибо"})
    assert status == 200
    assert rating["mark"]["code"] == "satisfied"
    assert Rating.objects.get(ticket_id=number).agent == world.users["agent"].agent

    status, ticket = api("customer").post(f"/tickets/{number}/reopen")
    assert status == 200 and ticket["status"]["category"] == "open" and ticket["resolved_at"] is None


def test_a_rating_names_an_unknown_mark_or_message_as_a_422(world: World, api) -> None:
    number = world.ticket_customer.pk
    api("agent").post(f"/tickets/{number}/resolve", {"body": "Готово"})
    assert api("customer").post(f"/tickets/{number}/rate", {"mark": "great"})[1]["error"]["fields"] == {
        "mark": "Unknown rating mark."
    }
    status, answer = api("customer").post(f"/tickets/{number}/rate", {"mark": "satisfied", "message": 999999})
    assert status == 422 and set(answer["error"]["fields"]) == {"message"}


def test_rating_an_unsolved_ticket_is_a_409(world: World, api) -> None:
    status, answer = api("customer").post(f"/tickets/{world.ticket_customer.pk}/rate", {"mark": "satisfied"})
    assert status == 409 and answer["error"]["code"] == "not_solved"
