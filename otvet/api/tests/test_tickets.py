"""Opening, listing (filters, search, keyset pages), reading and changing tickets through the API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from otvet.testing.fixtures import World
from otvet.tickets.choices import Channel, MessageKind, Priority
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import Category, Ticket, TicketEvent

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_customer_opens_a_ticket_for_themselves_with_json(world: World, api) -> None:
    category = Category.objects.create(name_ru="Доступ", name_en="Access")
    status, ticket = api("customer").post(
        "/tickets",
        {
            "subject": "Не приходит код",
            "body": "СМС с кодом не приходит",
            "category": category.pk,
            "criticality": "high",
            "response_preference": "email",
        },
    )
    assert status == 201
    assert ticket["requester"]["id"] == world.users["customer"].contact.pk
    assert ticket["company"]["plan"]["code"] == "premium"
    assert (ticket["channel"], ticket["criticality"]["code"], ticket["category"]["id"]) == ("api", "high", category.pk)
    assert ticket["response_preference"] == "email"
    assert ticket["status"]["category"] == "new"
    assert "line" not in ticket and "assignee" not in ticket


def test_a_customer_opens_a_ticket_with_files_in_one_multipart_request(world: World, api) -> None:
    files = [SimpleUploadedFile("log.txt", b"ERROR 42"), SimpleUploadedFile("screen.png", PNG)]
    status, ticket = api("customer").post(
        "/tickets", {"subject": "Ошибка", "body": "Скриншот приложен", "files": files}, multipart=True
    )
    assert status == 201
    _, messages = api("customer").get(f"/tickets/{ticket['number']}/messages")
    attachments = messages["items"][0]["attachments"]
    assert [(a["filename"], a["content_type"]) for a in attachments] == [
        ("log.txt", "text/plain"),
        ("screen.png", "image/png"),
    ]
    assert attachments[0]["url"] == f"/attachments/{attachments[0]['id']}/log.txt"


def test_uploaded_files_are_attached_by_id(world: World, api) -> None:
    _, upload = api("customer").post("/attachments", {"file": SimpleUploadedFile("a.txt", b"data")}, multipart=True)
    status, ticket = api("customer").post(
        "/tickets", {"subject": "С файлом", "body": "См.", "attachments": [upload["id"]]}
    )
    assert status == 201
    _, messages = api("customer").get(f"/tickets/{ticket['number']}/messages")
    assert [a["id"] for a in messages["items"][0]["attachments"]] == [upload["id"]]


def test_someone_elses_upload_cannot_be_attached(world: World, api) -> None:
    _, upload = api("other_customer").post("/attachments", {"file": SimpleUploadedFile("a.txt", b"x")}, multipart=True)
    status, answer = api("customer").post(
        "/tickets", {"subject": "Чужой", "body": "Файл", "attachments": [upload["id"]]}
    )
    assert status == 422
    assert "attachments" in answer["error"]["fields"]
    assert not Ticket.objects.filter(subject="Чужой").exists()


def test_an_agent_opens_a_ticket_for_a_caller_on_the_phone(world: World, api) -> None:
    contact = world.users["customer"].contact
    status, ticket = api("agent").post(
        "/tickets",
        {
            "subject": "Звонок",
            "body": "Клиент не может войти",
            "requester": contact.pk,
            "channel": "phone",
            "priority": 30,
        },
    )
    assert status == 201
    assert (ticket["requester"]["id"], ticket["channel"], ticket["priority"]) == (contact.pk, "phone", 30)
    first = Ticket.objects.get(pk=ticket["number"]).messages.get()
    assert first.author_contact_id == contact.pk  # the first message speaks for the caller


def test_an_agent_must_name_the_requester(world: World, api) -> None:
    status, answer = api("agent").post("/tickets", {"subject": "Без клиента", "body": "?"})
    assert status == 422
    assert set(answer["error"]["fields"]) == {"requester"}


@pytest.mark.parametrize(
    ("field", "value"), [("requester", 1), ("channel", "phone"), ("priority", 40), ("kind", "alert")]
)
def test_customers_may_not_set_the_fields_of_support_and_are_told_which(world: World, api, field, value) -> None:
    status, answer = api("customer").post("/tickets", {"subject": "Хитрость", "body": "Текст", field: value})
    assert status == 403
    assert field in answer["error"]["fields"]
    assert not Ticket.objects.filter(subject="Хитрость").exists()


def test_an_agent_reads_a_ticket_with_its_internal_fields(world: World, api) -> None:
    status, ticket = api("agent").get(f"/tickets/{world.ticket_other.pk}")
    assert status == 200
    assert ticket["number"] == world.ticket_other.pk
    assert ticket["line"] == {"code": "first", "name": "First line"}
    assert ticket["assignee"] is None
    assert ticket["priority"] == Priority.NORMAL
    assert ticket["status"] == {"code": "open", "category": "new", "name": "Open", "customer_name": "Open"}
    for moment in ("created_at", "updated_at", "waiting_since", "last_customer_message_at", "last_interaction_at"):
        assert ticket[moment]
    assert ticket["first_response_at"] is None and ticket["resolved_at"] is None


# --- list: filters, ordering, pages -------------------------------------------------------------------------------


def numbers(page: dict) -> list[int]:
    return [item["number"] for item in page["items"]]


def test_the_list_filters_by_status_line_assignee_company_priority_and_channel(world: World, api) -> None:
    agent = api("agent")
    agent.post(f"/tickets/{world.ticket_customer.pk}/claim")
    agent.patch(f"/tickets/{world.ticket_other.pk}", {"priority": 40})
    phone = open_ticket(world.users["other_customer"].contact, "По телефону", channel=Channel.PHONE)
    company_a = world.users["customer"].contact.company_id

    def found(**params: object) -> set[int]:
        status, page = agent.get("/tickets", params)
        assert status == 200, page
        return set(numbers(page))

    everything = {world.ticket_customer.pk, world.ticket_colleague.pk, world.ticket_other.pk, phone.pk}
    assert found() == everything
    assert found(status="in_progress") == {world.ticket_customer.pk}
    assert found(status_category="new") == everything - {world.ticket_customer.pk}
    assert found(open="true") == everything and found(open="false") == set()
    assert found(line="first") == everything and found(line="second") == set()
    assert found(assignee="me") == {world.ticket_customer.pk}
    assert found(assignee="none") == everything - {world.ticket_customer.pk}
    assert found(assignee=str(world.users["agent"].agent.pk)) == {world.ticket_customer.pk}
    assert found(company=company_a) == {world.ticket_customer.pk, world.ticket_colleague.pk}
    assert found(priority=40) == {world.ticket_other.pk}
    assert found(channel="phone") == {phone.pk}


def test_customers_may_not_filter_by_internal_fields(world: World, api) -> None:
    for field, value in (("line", "first"), ("assignee", "none"), ("priority", 20)):
        status, answer = api("customer").get("/tickets", {field: value})
        assert status == 403
        assert field in answer["error"]["fields"]


def test_the_queue_orders_by_priority_then_the_longest_wait(world: World, api) -> None:
    api("agent").patch(f"/tickets/{world.ticket_other.pk}", {"priority": 40})
    api("agent").patch(f"/tickets/{world.ticket_colleague.pk}", {"priority": 10})
    _, page = api("agent").get("/tickets", {"ordering": "queue"})
    assert numbers(page) == [world.ticket_other.pk, world.ticket_customer.pk, world.ticket_colleague.pk]


def test_ordering_by_update_puts_the_latest_change_first(world: World, api) -> None:
    api("agent").patch(f"/tickets/{world.ticket_customer.pk}", {"subject": "Обновлено"})
    _, page = api("agent").get("/tickets", {"ordering": "updated"})
    assert numbers(page) == [world.ticket_customer.pk, world.ticket_other.pk, world.ticket_colleague.pk]


@pytest.mark.parametrize("ordering", ["queue", "updated"])
def test_keyset_pages_walk_every_ticket_exactly_once(world: World, api, ordering) -> None:
    contact = world.users["other_customer"].contact
    for index in range(17):
        ticket = open_ticket(contact, f"Заявка {index}")
        if index % 3 == 0:  # several priorities, so the walk crosses priority boundaries
            api("agent").patch(f"/tickets/{ticket.pk}", {"priority": 10 + 10 * (index % 4)})
    _, whole = api("agent").get("/tickets", {"ordering": ordering, "limit": 200})
    seen: list[int] = []
    cursor = None
    for _ in range(20):
        params = {"ordering": ordering, "limit": 4} | ({"cursor": cursor} if cursor else {})
        status, page = api("agent").get("/tickets", params)
        assert status == 200 and len(page["items"]) <= 4
        seen += numbers(page)
        cursor = page["next"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 20
    assert seen == numbers(whole)


def test_full_text_search_finds_russian_words_in_any_form(
    world: World, api, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # indexing runs when the ticket's event commits
        _, ticket = api("customer").post("/tickets", {"subject": "Не открывается личный кабинет", "body": "Ошибка 500"})
        api("other_customer").post("/tickets", {"subject": "Счёт за октябрь", "body": "Нужна копия"})
    for role in ("customer", "agent"):
        status, page = api(role).get("/tickets", {"q": "кабинета"})
        assert status == 200
        assert numbers(page) == [ticket["number"]]
    _, page = api("other_customer").get("/tickets", {"q": "кабинета"})
    assert numbers(page) == []


def test_search_finds_internal_notes_for_support_but_never_for_customers(
    world: World, api, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        api("agent").post(
            f"/tickets/{world.ticket_customer.pk}/messages", {"kind": "note", "body": "Подозрение на мошенничество"}
        )
    assert numbers(api("agent").get("/tickets", {"q": "мошенничества"})[1]) == [world.ticket_customer.pk]
    assert numbers(api("customer").get("/tickets", {"q": "мошенничества"})[1]) == []


# --- PATCH ----------------------------------------------------------------------------------------------------


def test_an_agent_changes_status_assignee_and_fields_in_one_patch(world: World, api) -> None:
    category = Category.objects.create(name_ru="Оплата", name_en="Billing")
    supervisor = world.users["supervisor"].agent
    status, ticket = api("agent").patch(
        f"/tickets/{world.ticket_customer.pk}",
        {
            "status": "in_progress",
            "assignee": supervisor.pk,
            "priority": 30,
            "criticality": "medium",
            "category": category.pk,
            "subject": "Не могу войти после смены пароля",
        },
    )
    assert status == 200, ticket
    assert ticket["status"]["code"] == "in_progress"
    assert ticket["assignee"] == {"id": supervisor.pk, "name": str(world.users["supervisor"])}
    assert (ticket["priority"], ticket["criticality"]["code"], ticket["category"]["id"]) == (30, "medium", category.pk)
    assert ticket["subject"] == "Не могу войти после смены пароля"
    kinds = TicketEvent.objects.filter(ticket=world.ticket_customer).values_list("kind", flat=True)
    assert {"fields_changed", "status_changed", "assigned"} <= set(kinds)


def test_null_unassigns_and_clears_but_is_refused_for_the_status(world: World, api) -> None:
    number = world.ticket_customer.pk
    api("agent").post(f"/tickets/{number}/claim")
    status, ticket = api("agent").patch(f"/tickets/{number}", {"assignee": None, "criticality": None})
    assert status == 200 and ticket["assignee"] is None and ticket["criticality"] is None
    status, answer = api("agent").patch(f"/tickets/{number}", {"status": None})
    assert status == 422 and set(answer["error"]["fields"]) == {"status"}


def test_a_customer_may_change_the_response_preference(world: World, api) -> None:
    status, ticket = api("customer").patch(f"/tickets/{world.ticket_customer.pk}", {"response_preference": "email"})
    assert status == 200
    assert ticket["response_preference"] == "email"


@pytest.mark.parametrize("field", ["status", "assignee", "priority", "subject", "category"])
def test_a_customer_changing_anything_else_gets_a_403_naming_the_field(world: World, api, field) -> None:
    value = {"status": "closed", "assignee": 1, "priority": 40, "subject": "Срочно!", "category": None}[field]
    status, answer = api("customer").patch(
        f"/tickets/{world.ticket_customer.pk}", {"response_preference": "email", field: value}
    )
    assert status == 403
    assert answer["error"]["fields"] == {field: "Not allowed for your role."}
    world.ticket_customer.refresh_from_db()
    assert world.ticket_customer.response_preference == "portal"  # nothing of the request was applied


def test_a_patch_that_fails_halfway_saves_nothing(world: World, api) -> None:
    """Fields and status are written first; the assignee (out of this ticket's scope) is refused last."""
    ticket = world.ticket_customer
    events = TicketEvent.objects.filter(ticket=ticket).count()
    status, answer = api("supervisor").patch(
        f"/tickets/{ticket.pk}",
        {
            "priority": 40,
            "subject": "Изменено",
            "status": "in_progress",
            "assignee": world.users["partner_agent"].agent.pk,
        },
    )
    assert status == 422
    assert set(answer["error"]["fields"]) == {"assignee"}
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.subject, ticket.status.code) == (
        Priority.NORMAL,
        "Не могу войти в личный кабинет",
        "open",
    )
    assert TicketEvent.objects.filter(ticket=ticket).count() == events


def test_an_unknown_field_in_a_patch_is_a_422_naming_it(world: World, api) -> None:
    status, answer = api("agent").patch(f"/tickets/{world.ticket_customer.pk}", {"stauts": "closed"})
    assert status == 422
    assert set(answer["error"]["fields"]) == {"stauts"}


def test_an_attachment_id_beyond_any_database_integer_is_a_422_not_a_crash(world: World, api) -> None:
    payload = {"subject": "Вопрос", "body": "Текст", "attachments": [2**70]}
    status, answer = api("customer").post("/tickets", payload)
    assert status == 422
    assert any("attachments" in field for field in answer["error"]["fields"]), answer


def test_the_first_message_of_a_ticket_is_a_public_reply(world: World, api) -> None:
    _, page = api("customer").get(f"/tickets/{world.ticket_customer.pk}/messages")
    assert [item["kind"] for item in page["items"]] == [MessageKind.REPLY]
