"""Replies, internal notes, events and attachments; notes never reach a customer through any endpoint."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from otvet.testing.fixtures import World
from otvet.tickets.models import Attachment, Message, Ticket

SECRET = "Клиент должен за прошлый месяц"


def test_a_customer_replies_and_an_agent_answers_with_a_status(world: World, api) -> None:
    number = world.ticket_customer.pk
    status, reply = api("customer").post(f"/tickets/{number}/messages", {"body": "Пароль не подходит"})
    assert status == 201
    assert reply["kind"] == "reply" and reply["author"] == {
        "kind": "customer",
        "name": str(world.users["customer"].contact),
    }
    status, answer = api("agent").post(
        f"/tickets/{number}/messages", {"body": "Сбросили пароль, попробуйте снова", "status": "waiting_reply"}
    )
    assert status == 201 and answer["author"]["kind"] == "agent"
    _, ticket = api("agent").get(f"/tickets/{number}")
    assert ticket["status"]["code"] == "waiting_reply"
    assert ticket["first_response_at"] == answer["created_at"]


def test_a_reply_takes_files_in_a_multipart_request(world: World, api) -> None:
    status, message = api("customer").post(
        f"/tickets/{world.ticket_customer.pk}/messages",
        {"body": "Лог приложен", "files": [SimpleUploadedFile("app.log", b"line 1\nline 2\n")]},
        multipart=True,
    )
    assert status == 201
    assert [(a["filename"], a["size"]) for a in message["attachments"]] == [("app.log", 14)]


def test_customers_cannot_write_notes_or_set_a_status(world: World, api) -> None:
    number = world.ticket_customer.pk
    status, _ = api("customer").post(f"/tickets/{number}/messages", {"kind": "note", "body": "Заметка"})
    assert status == 403
    status, _ = api("customer").post(f"/tickets/{number}/messages", {"body": "Закройте", "status": "closed"})
    assert status == 403
    assert not Message.objects.filter(ticket_id=number, body_text__in=["Заметка", "Закройте"]).exists()


def test_a_note_cannot_change_the_status(world: World, api) -> None:
    status, answer = api("agent").post(
        f"/tickets/{world.ticket_customer.pk}/messages", {"kind": "note", "body": "x", "status": "closed"}
    )
    assert status == 422 and set(answer["error"]["fields"]) == {"status"}


@pytest.fixture
def noted(world: World, api) -> dict:
    """ticket_customer with an internal note carrying a file, a transfer note, and a public reply."""
    number = world.ticket_customer.pk
    _, upload = api("agent").post(
        "/attachments", {"file": SimpleUploadedFile("debt.txt", SECRET.encode())}, multipart=True
    )
    api("agent").post(f"/tickets/{number}/messages", {"kind": "note", "body": SECRET, "attachments": [upload["id"]]})
    api("agent").post(f"/tickets/{number}/transfer", {"line": "second", "note": f"Передаю: {SECRET}"})
    api("supervisor").post(f"/tickets/{number}/messages", {"body": "Проверяем ваш вопрос"})
    return {"number": number, "attachment": Attachment.objects.get(pk=upload["id"])}


def test_support_reads_the_notes_and_the_timeline(world: World, api, noted) -> None:
    _, page = api("agent").get(f"/tickets/{noted['number']}/messages")
    assert [item["kind"] for item in page["items"]] == ["reply", "note", "note", "reply"]
    _, events = api("agent").get(f"/tickets/{noted['number']}/events")
    assert [event["kind"] for event in events["items"]] == ["created", "note_added", "transferred", "replied"]
    assert events["items"][2]["changes"]["line"] == ["first", "second"]


@pytest.mark.parametrize("role", ["customer", "company_admin"])
def test_internal_notes_never_reach_a_customer_through_any_endpoint(world: World, api, noted, role) -> None:
    number, client = noted["number"], api(role)
    bodies = []
    for path, params in (
        (f"/tickets/{number}", None),
        (f"/tickets/{number}/messages", None),
        (f"/tickets/{number}/messages", {"limit": 1}),
        ("/tickets", None),
        ("/tickets", {"q": "должен"}),
        ("/me", None),
    ):
        status, body = client.get(path, params)
        assert status == 200
        bodies.append(json.dumps(body, ensure_ascii=False))
    everything = "\n".join(bodies)
    assert SECRET not in everything and "debt.txt" not in everything
    assert "Проверяем ваш вопрос" in everything
    assert client.get(f"/tickets/{number}/events")[0] == 404
    # A customer's reply in answer to the note gets the reply back, not the note.
    status, reply = client.post(f"/tickets/{number}/messages", {"body": "Спасибо"})
    assert status == 201 and SECRET not in json.dumps(reply, ensure_ascii=False)
    # The note's file is not served to them either.
    browser = Client()
    browser.force_login(world.users[role])
    attachment = noted["attachment"]
    assert browser.get(f"/attachments/{attachment.pk}/{attachment.filename}").status_code == 404


def test_message_pages_walk_the_conversation_in_order(world: World, api) -> None:
    number = world.ticket_customer.pk
    for index in range(6):
        api("agent").post(f"/tickets/{number}/messages", {"body": f"Сообщение {index}"})
    seen, cursor = [], None
    while True:
        _, page = api("customer").get(
            f"/tickets/{number}/messages", {"limit": 3} | ({"cursor": cursor} if cursor else {})
        )
        seen += [item["id"] for item in page["items"]]
        cursor = page["next"]
        if not cursor:
            break
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 7


def test_an_upload_larger_than_the_limit_is_a_413_naming_the_file(world: World, api, settings) -> None:
    settings.OTVET_ATTACHMENT_MAX_BYTES = 1024
    status, answer = api("customer").post(
        "/attachments", {"file": SimpleUploadedFile("big.bin", b"x" * 1025)}, multipart=True
    )
    assert status == 413
    assert answer["error"]["code"] == "too_large" and "file" in answer["error"]["fields"]
    assert not Attachment.objects.exists()


def test_a_ticket_with_an_oversized_file_is_not_opened_at_all(world: World, api, settings) -> None:
    settings.OTVET_ATTACHMENT_MAX_BYTES = 1024
    files = [SimpleUploadedFile("ok.txt", b"small"), SimpleUploadedFile("big.bin", b"x" * 2048)]
    status, _ = api("customer").post(
        "/tickets", {"subject": "Два файла", "body": "См.", "files": files}, multipart=True
    )
    assert status == 413
    assert not Ticket.objects.filter(subject="Два файла").exists()
    assert not Attachment.objects.exists()  # the first, accepted upload was rolled back with the ticket


def test_an_upload_without_a_file_is_a_422_naming_it(world: World, api) -> None:
    status, answer = api("customer").post("/attachments", {}, multipart=True)
    assert status == 422 and set(answer["error"]["fields"]) == {"file"}
