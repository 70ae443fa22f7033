"""The portal pages: list, new request, conversation, reply, rating; per role, with query counts."""

from __future__ import annotations

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from otvet.tickets.choices import Channel, StatusCategory
from otvet.tickets.models import Attachment, RatingMark, Ticket
from otvet.tickets.services import ticket_add_note, ticket_reply, ticket_resolve

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def login(client, world, role: str):
    client.force_login(world.users[role])
    return client


def test_a_customer_opens_a_request_with_attachments(client, world):
    login(client, world, "customer")
    response = client.post(
        "/requests/new/",
        {
            "subject": "Не приходит письмо",
            "body": "Письмо с подтверждением не приходит",
            "response_preference": "email",
            "attachments": [SimpleUploadedFile("screen.png", PNG), SimpleUploadedFile("log.txt", b"line")],
        },
    )
    ticket = Ticket.objects.latest("number")
    assert response.status_code == 302 and response["Location"] == f"/requests/{ticket.pk}/"
    assert ticket.channel == Channel.PORTAL and ticket.response_preference == "email"
    assert ticket.requester == world.users["customer"].contact
    assert sorted(a.filename for a in ticket.messages.get().attachments.all()) == ["log.txt", "screen.png"]


def test_a_failed_submit_keeps_the_text_and_the_files(client, world):
    login(client, world, "customer")
    response = client.post(
        "/requests/new/",
        {"subject": "", "body": "Описание сохранится", "response_preference": "portal",
         "attachments": [SimpleUploadedFile("screen.png", PNG)]},
    )  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert "Описание сохранится" in html and "is-invalid" in html
    kept = Attachment.objects.get(filename="screen.png")
    assert f'name="kept_attachments" value="{kept.pk}"' in html
    client.post(
        "/requests/new/",
        {"subject": "Тема", "body": "Описание", "response_preference": "portal", "kept_attachments": [kept.pk]},
    )
    kept.refresh_from_db()
    assert kept.message is not None and kept.message.ticket.subject == "Тема"


def test_my_requests_lists_only_mine_and_company_admins_can_switch_to_the_company(client, world):
    html = login(client, world, "customer").get("/requests/").content.decode()
    assert world.ticket_customer.subject in html and world.ticket_colleague.subject not in html
    login(client, world, "company_admin")
    assert world.ticket_colleague.subject not in client.get("/requests/").content.decode()
    html = client.get("/requests/?scope=company").content.decode()
    assert world.ticket_customer.subject in html and world.ticket_colleague.subject in html
    assert world.ticket_other.subject not in html
    # A plain customer asking for the company view still sees only their own.
    login(client, world, "customer")
    assert world.ticket_colleague.subject not in client.get("/requests/?scope=company").content.decode()


def test_the_list_filters_by_status_and_searches(client, world):
    login(client, world, "customer")
    assert world.ticket_customer.subject in client.get("/requests/?status=open").content.decode()
    assert world.ticket_customer.subject not in client.get("/requests/?status=done").content.decode()


def test_the_request_page_shows_replies_but_never_internal_notes(client, world):
    agent = world.actor("agent")
    ticket_add_note(ticket=world.ticket_customer, actor=agent, body="Секретная заметка для коллег")
    ticket_reply(ticket=world.ticket_customer, actor=agent, body="Публичный ответ клиенту")
    html = login(client, world, "customer").get(f"/requests/{world.ticket_customer.pk}/").content.decode()
    assert "Публичный ответ клиенту" in html
    assert "Секретная заметка" not in html


@pytest.mark.parametrize(
    "role,visible",
    [("customer", True), ("company_admin", True), ("other_customer", False), ("partner_customer", False),
     ("agent", False), ("supervisor", False)],
)  # fmt: skip
def test_request_pages_are_404_outside_the_scope(client, world, role, visible):
    login(client, world, role)
    response = client.get(f"/requests/{world.ticket_customer.pk}/")
    assert response.status_code == (200 if visible else 404)


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for url in ("/requests/", "/requests/new/", f"/requests/{world.ticket_customer.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_replying_to_a_solved_request_reopens_it(client, world):
    ticket_resolve(ticket=world.ticket_customer, actor=world.actor("agent"), body="Готово")
    login(client, world, "customer")
    response = client.post(f"/requests/{world.ticket_customer.pk}/reply/", {"body": "Нет, не работает"})
    assert response.status_code == 302
    ticket = Ticket.objects.select_related("status").get(pk=world.ticket_customer.pk)
    assert ticket.status.category == StatusCategory.OPEN


def test_an_empty_reply_is_refused_with_the_field_marked(client, world):
    login(client, world, "customer")
    response = client.post(f"/requests/{world.ticket_customer.pk}/reply/", {"body": ""})
    assert response.status_code == 422 and b"is-invalid" in response.content


def test_the_requester_rates_a_solved_request_with_a_configured_mark(client, world):
    ticket_resolve(ticket=world.ticket_customer, actor=world.actor("agent"), body="Готово")
    login(client, world, "customer")
    page = client.get(f"/requests/{world.ticket_customer.pk}/").content.decode()
    assert "Ответ устраивает" in page or "The answer helps" in page
    mark = RatingMark.objects.get(code="incomplete")
    client.post(f"/requests/{world.ticket_customer.pk}/rate/", {"mark": mark.pk, "comment": "Можно подробнее"})
    rating = Ticket.objects.get(pk=world.ticket_customer.pk).rating
    assert rating.mark == mark and rating.agent == world.users["agent"].agent


def test_a_company_admin_sees_no_rating_form_on_a_colleagues_request(client, world):
    ticket_resolve(ticket=world.ticket_colleague, actor=world.actor("agent"), body="Готово")
    login(client, world, "company_admin")
    page = client.get(f"/requests/{world.ticket_colleague.pk}/").content.decode()
    assert 'id="rating"' not in page
    assert client.post(f"/requests/{world.ticket_colleague.pk}/rate/", {"mark": 1}).status_code == 422


def test_the_list_and_the_request_page_run_a_fixed_number_of_queries(client, world):
    login(client, world, "customer")
    contact = world.users["customer"].contact
    from otvet.tickets.factories import open_ticket

    def counted(url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few_list, few_page = counted("/requests/"), counted(f"/requests/{world.ticket_customer.pk}/")
    for i in range(6):
        open_ticket(contact, f"Ещё заявка {i}")
        ticket_reply(ticket=world.ticket_customer, actor=world.actor("agent"), body=f"Ответ {i}")
    assert counted("/requests/") == few_list
    assert counted(f"/requests/{world.ticket_customer.pk}/") == few_page
