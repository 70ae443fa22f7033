"""Every error is `{"error": {"code", "message", "fields"}}` with the right status, and names the field."""

from __future__ import annotations

import json

import pytest

from otvet.testing.fixtures import World
from otvet.tickets.models import Ticket


def test_a_body_that_is_not_json_is_a_400(world: World, api) -> None:
    response = api("customer").client.post("/api/v1/tickets", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_a_json_body_that_is_not_an_object_is_a_400(world: World, api) -> None:
    status, answer = api("customer").post("/tickets", [1, 2])
    assert status == 400 and answer["error"]["code"] == "bad_request"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"body": "Текст"}, "subject"),
        ({"subject": "Тема"}, "body"),
        ({"subject": "x" * 256, "body": "Текст"}, "subject"),
        ({"subject": "   ", "body": "Текст"}, "subject"),
        ({"subject": "Тема", "body": "Текст", "category": 999999}, "category"),
        ({"subject": "Тема", "body": "Текст", "criticality": "apocalyptic"}, "criticality"),
        ({"subject": "Тема", "body": "Текст", "response_preference": "pigeon"}, "response_preference"),
        ({"subject": "Тема", "body": "Текст", "attachments": [999999]}, "attachments"),
        ({"subject": "Тема\x00", "body": "Текст"}, "subject"),
    ],
)
def test_invalid_input_is_a_422_naming_the_field(world: World, api, body, field) -> None:
    status, answer = api("customer").post("/tickets", body)
    assert status == 422, answer
    assert answer["error"]["code"] == "invalid_input"
    assert field in answer["error"]["fields"], answer
    assert not Ticket.objects.filter(subject__startswith="Тема").exists()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"cursor": "garbage"}, "cursor"),
        ({"ordering": "random"}, "ordering"),
        ({"status_category": "maybe"}, "status_category"),
        ({"assignee": "someone"}, "assignee"),
        ({"company": "abc"}, "company"),
    ],
)
def test_invalid_query_parameters_are_a_422_naming_them(world: World, api, params, field) -> None:
    status, answer = api("agent").get("/tickets", params)
    assert status == 422
    assert field in answer["error"]["fields"]


def test_a_cursor_of_another_ordering_is_a_422(world: World, api) -> None:
    _, page = api("agent").get("/tickets", {"ordering": "updated", "limit": 1})
    status, answer = api("agent").get("/tickets", {"ordering": "queue", "cursor": page["next"]})
    assert status == 422 and "cursor" in answer["error"]["fields"]


def test_a_path_number_that_is_not_a_number_is_a_422(world: World, api) -> None:
    status, answer = api("agent").get("/tickets/abc")
    assert status == 422 and "number" in answer["error"]["fields"]


@pytest.mark.parametrize(
    "path", ["/tickets/999999", "/tickets/999999/messages", "/companies/999999", "/contacts/999999"]
)
def test_an_unknown_object_is_a_404(world: World, api, path) -> None:
    status, answer = api("admin").get(path)
    assert status == 404
    assert answer == {"error": {"code": "not_found", "message": answer["error"]["message"], "fields": {}}}


def test_a_request_body_over_the_memory_limit_is_a_413(world: World, api, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"subject": "Длинное", "body": "x" * 2000})
    response = api("customer").client.post("/api/v1/tickets", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_a_conflict_is_a_409_with_its_own_code(world: World, api) -> None:
    api("agent").post(f"/tickets/{world.ticket_customer.pk}/claim")
    status, answer = api("supervisor").post(f"/tickets/{world.ticket_customer.pk}/claim")
    assert status == 409
    assert answer["error"] == {
        "code": "already_claimed",
        "message": "Another agent is already answering this ticket.",
        "fields": {},
    }


def test_messages_follow_the_clients_language(world: World, tokens) -> None:
    from django.test import Client

    client = Client(headers={"Authorization": f"Bearer {tokens['agent']}", "Accept-Language": "ru"})
    client.post(f"/api/v1/tickets/{world.ticket_customer.pk}/claim", "{}", content_type="application/json")
    other = Client(headers={"Authorization": f"Bearer {tokens['supervisor']}", "Accept-Language": "ru"})
    url = f"/api/v1/tickets/{world.ticket_customer.pk}/claim"
    answer = other.post(url, "{}", content_type="application/json").json()
    assert answer["error"]["message"] == "На эту заявку уже отвечает другой сотрудник."
