"""Every action of the ticket page: one service call, htmx partials or a redirect, errors shown in place."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from otvet.customers.models import SupportNote
from otvet.tickets.choices import EventKind, MessageKind, Priority, StatusCategory
from otvet.tickets.models import Attachment, Category, Criticality, Line, Status, Ticket
from otvet.tickets.services import ticket_claim, ticket_transfer
from otvet.workspace.tests.conftest import HTMX

PANELS = ("ticket-header", "ticket-conversation", "ticket-properties", "ticket-customer", "ticket-timeline")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def post(client, name: str, ticket: Ticket, data: dict | None = None, *, htmx: bool = True):
    return client.post(reverse(name, args=[ticket.pk]), data or {}, **(HTMX if htmx else {}))


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_related("status", "line", "assignee").get(pk=ticket.pk)


def assert_panels(response, *, composer: bool) -> str:
    """An htmx answer: the re-rendered panels, each swapped out of band, never a whole page."""
    body = response.content.decode()
    assert "<html" not in body and "ot-sidebar" not in body
    panels = [*PANELS, "transfer-form", "ticket-sla", *(["ticket-composer"] if composer else [])]
    for panel in panels:
        assert re.search(f'id="{panel}"[^>]*hx-swap-oob="true"', body), panel
    assert body.count('hx-swap-oob="true"') == len(panels)
    return body


def test_reply_sends_a_public_reply_and_updates_the_page_in_place(login, world):
    response = post(login("agent"), "workspace-ticket-reply", world.ticket_customer, {"body": "Здравствуйте!"})
    assert response.status_code == 200
    body = assert_panels(response, composer=True)
    assert "Здравствуйте!" in body and "ot-card ot-composer" in body
    assert json.loads(response["HX-Trigger"]) == {"ot-ticket-changed": True}
    message = world.ticket_customer.messages.latest("id")
    assert message.kind == MessageKind.REPLY and message.author_user == world.users["agent"]
    assert fresh(world.ticket_customer).first_response_at is not None


def test_reply_without_htmx_redirects_to_the_ticket(login, world):
    response = post(login("agent"), "workspace-ticket-reply", world.ticket_customer, {"body": "Да"}, htmx=False)
    assert response.status_code == 302 and response["Location"] == reverse(
        "workspace-ticket", args=[world.ticket_customer.pk]
    )


def test_reply_may_set_the_status_in_the_same_step(login, world):
    waiting = Status.objects.get(code="waiting_reply")
    post(login("agent"), "workspace-ticket-reply", world.ticket_customer, {"body": "Ждём ответа", "status": waiting.pk})
    assert fresh(world.ticket_customer).status == waiting
    event = world.ticket_customer.events.latest("id")
    assert event.kind == EventKind.REPLIED and event.changes["status"] == ["open", "waiting_reply"]


def test_comment_adds_an_internal_note_without_changing_the_status(login, world):
    before = fresh(world.ticket_customer).status_id
    data = {"body": "Проверю логи", "mode": "note", "status": Status.objects.get(code="frozen").pk}
    response = post(login("agent"), "workspace-ticket-note", world.ticket_customer, data)
    assert response.status_code == 200
    note = world.ticket_customer.messages.latest("id")
    assert note.kind == MessageKind.NOTE and note.body_text == "Проверю логи"
    ticket = fresh(world.ticket_customer)
    assert ticket.status_id == before and ticket.first_response_at is None


def test_a_note_is_hidden_from_the_customer(login, world, client):
    post(login("agent"), "workspace-ticket-note", world.ticket_customer, {"body": "Секрет", "mode": "note"})
    client.force_login(world.users["customer"])
    assert "Секрет" not in client.get(reverse("portal-request", args=[world.ticket_customer.pk])).content.decode()


def test_solve_sends_the_reply_and_marks_the_ticket_solved(login, world):
    response = post(login("agent"), "workspace-ticket-resolve", world.ticket_customer, {"body": "Исправили"})
    assert response.status_code == 200
    ticket = fresh(world.ticket_customer)
    assert ticket.status.category == StatusCategory.SOLVED and not ticket.is_open
    assert ticket.messages.latest("id").body_text == "Исправили"
    assert ticket.events.latest("id").kind == EventKind.RESOLVED


def test_an_empty_message_is_refused_next_to_the_field_and_nothing_is_written(login, world):
    response = post(login("agent", language="en"), "workspace-ticket-reply", world.ticket_customer, {"body": " "})
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="ticket-composer"' in body and "is-invalid" in body and "This field is required." in body
    assert world.ticket_customer.messages.count() == 1


def test_a_full_page_shows_the_error_without_htmx(login, world):
    response = post(login("agent"), "workspace-ticket-reply", world.ticket_customer, {"body": ""}, htmx=False)
    assert (
        response.status_code == 422
        and "<html" in response.content.decode()
        and "is-invalid" in response.content.decode()
    )


def test_a_reply_sent_while_the_composer_is_in_note_mode_is_refused(login, world):
    response = post(login("agent"), "workspace-ticket-reply", world.ticket_customer, {"body": "Секрет", "mode": "note"})
    assert response.status_code == 422
    assert world.ticket_customer.messages.count() == 1


def test_attachments_go_with_the_reply(login, world):
    file = SimpleUploadedFile("screen.txt", b"trace")
    post(
        login("agent"),
        "workspace-ticket-reply",
        world.ticket_customer,
        {"body": "Лог во вложении", "attachments": file},
    )
    message = world.ticket_customer.messages.latest("id")
    assert [a.filename for a in message.attachments.all()] == ["screen.txt"]


def test_attachments_are_kept_across_a_failed_submit(login, world):
    client = login("agent")
    response = post(
        client,
        "workspace-ticket-reply",
        world.ticket_customer,
        {"body": "", "attachments": SimpleUploadedFile("a.txt", b"x")},
    )
    kept = Attachment.objects.get(filename="a.txt")
    assert response.status_code == 422 and f'name="kept_attachments" value="{kept.pk}"' in response.content.decode()
    post(client, "workspace-ticket-reply", world.ticket_customer, {"body": "Вот файл", "kept_attachments": kept.pk})
    kept.refresh_from_db()
    assert kept.message == world.ticket_customer.messages.latest("id")


def test_i_will_answer_claims_the_ticket(login, world):
    response = post(login("agent"), "workspace-ticket-claim", world.ticket_customer)
    assert response.status_code == 200
    assert_panels(response, composer=False)
    ticket = fresh(world.ticket_customer)
    assert ticket.assignee == world.actor("agent").agent and ticket.status.code == "in_progress"


def test_claiming_a_ticket_someone_else_holds_is_a_clear_conflict(login, world):
    ticket_claim(ticket=world.ticket_customer, actor=world.actor("supervisor"))
    response = post(login("agent", language="en"), "workspace-ticket-claim", world.ticket_customer)
    assert response.status_code == 409
    assert f"{world.users['supervisor'].name} is already answering this ticket." in response.content.decode()
    assert fresh(world.ticket_customer).assignee == world.actor("supervisor").agent


def test_a_supervisor_takes_over_with_force(login, world):
    ticket_claim(ticket=world.ticket_customer, actor=world.actor("agent"))
    post(login("supervisor"), "workspace-ticket-claim", world.ticket_customer, {"force": "1"})
    assert fresh(world.ticket_customer).assignee == world.actor("supervisor").agent


def test_an_agent_may_not_force(login, world):
    ticket_claim(ticket=world.ticket_customer, actor=world.actor("supervisor"))
    response = post(login("agent"), "workspace-ticket-claim", world.ticket_customer, {"force": "1"})
    assert response.status_code == 403 and "alert" in response.content.decode()
    assert fresh(world.ticket_customer).assignee == world.actor("supervisor").agent


def test_release_gives_the_ticket_back_to_the_queue(login, world):
    ticket_claim(ticket=world.ticket_customer, actor=world.actor("agent"))
    assert post(login("agent"), "workspace-ticket-release", world.ticket_customer).status_code == 200
    assert fresh(world.ticket_customer).assignee is None


def test_transfer_moves_the_ticket_to_another_line_with_a_note(login, world):
    second = Line.objects.get(code="second")
    response = post(
        login("agent"),
        "workspace-ticket-transfer",
        world.ticket_customer,
        {"line": second.pk, "note": "Нужен разработчик"},
    )
    assert response.status_code == 200 and "ot-ticket-changed" in response["HX-Trigger"]  # closes the modal
    ticket = fresh(world.ticket_customer)
    assert ticket.line == second
    assert ticket.messages.latest("id").kind == MessageKind.NOTE
    assert ticket.events.latest("id").note == "Нужен разработчик"


def test_transfer_to_the_current_line_is_refused_in_the_dialog(login, world):
    first = Line.objects.get(code="first")
    response = post(login("agent"), "workspace-ticket-transfer", world.ticket_customer, {"line": first.pk})
    form = response.content.decode().split('id="transfer-form"')[1]
    assert response.status_code == 422 and "Заявка уже на этой линии." in form
    assert fresh(world.ticket_customer).line == first


def test_transfer_without_javascript_has_its_own_page(login, world):
    client = login("agent")
    assert client.get(reverse("workspace-ticket-transfer", args=[world.ticket_customer.pk])).status_code == 200
    response = post(client, "workspace-ticket-transfer", world.ticket_customer, {"line": "999"}, htmx=False)
    assert response.status_code == 422 and "workspace/transfer.html" in [t.name for t in response.templates]
    second = Line.objects.get(code="second")
    response = post(client, "workspace-ticket-transfer", world.ticket_customer, {"line": second.pk}, htmx=False)
    assert response.status_code == 302 and fresh(world.ticket_customer).line == second


def test_a_transfer_that_takes_the_ticket_out_of_scope_returns_to_the_queues(login, world):
    ticket_transfer(
        ticket=world.ticket_partner, actor=world.actor("partner_agent"), line=Line.objects.get(code="second")
    )
    response = post(
        login("agent"), "workspace-ticket-transfer", world.ticket_partner, {"line": world.ticket_partner.line_id}
    )
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("workspace-home")


def test_the_status_select_changes_the_status(login, world):
    frozen = Status.objects.get(code="frozen")
    response = post(login("agent"), "workspace-ticket-status", world.ticket_customer, {"status": frozen.pk})
    assert response.status_code == 200 and fresh(world.ticket_customer).status == frozen


def test_an_unknown_status_is_shown_next_to_the_select(login, world):
    response = post(login("agent"), "workspace-ticket-status", world.ticket_customer, {"status": "999"})
    assert response.status_code == 422
    assert 'id="p-status" name="status" class="form-select form-select-sm is-invalid"' in response.content.decode()


def test_priority_criticality_and_category_are_edited_one_at_a_time(login, world):
    client = login("agent")
    category = Category.objects.create(name_ru="Оплата", name_en="Billing")
    high = Criticality.objects.get(code="high")
    post(client, "workspace-ticket-fields", world.ticket_customer, {"priority": Priority.URGENT})
    post(client, "workspace-ticket-fields", world.ticket_customer, {"criticality": high.pk})
    post(client, "workspace-ticket-fields", world.ticket_customer, {"category": category.pk})
    ticket = fresh(world.ticket_customer)
    assert (ticket.priority, ticket.criticality, ticket.category) == (Priority.URGENT, high, category)
    post(client, "workspace-ticket-fields", world.ticket_customer, {"category": ""})
    ticket = fresh(world.ticket_customer)
    assert ticket.category is None and ticket.criticality == high and ticket.priority == Priority.URGENT


def test_the_assignee_select_assigns_and_unassigns(login, world):
    client = login("agent")
    supervisor = world.actor("supervisor").agent
    post(client, "workspace-ticket-assignee", world.ticket_customer, {"assignee": supervisor.pk})
    assert fresh(world.ticket_customer).assignee == supervisor
    post(client, "workspace-ticket-assignee", world.ticket_customer, {"assignee": ""})
    assert fresh(world.ticket_customer).assignee is None


def test_assigning_an_agent_who_cannot_see_the_ticket_is_refused(login, world):
    partner_agent = world.actor("partner_agent").agent
    response = post(login("agent"), "workspace-ticket-assignee", world.ticket_customer, {"assignee": partner_agent.pk})
    assert response.status_code == 422 and "alert-danger" in response.content.decode()
    assert fresh(world.ticket_customer).assignee is None


def test_a_support_note_about_the_company_persists_for_the_next_shift(login, world):
    response = post(
        login("agent"), "workspace-ticket-support-note", world.ticket_customer, {"body": "Звонить после 14:00"}
    )
    assert response.status_code == 200 and "Звонить после 14:00" in response.content.decode()
    note = SupportNote.objects.get()
    assert note.company == world.ticket_customer.company and note.author == world.users["agent"]
    # The company's other ticket shows it too.
    assert (
        "Звонить после 14:00"
        in login("supervisor").get(reverse("workspace-ticket", args=[world.ticket_colleague.pk])).content.decode()
    )


def test_an_empty_support_note_is_refused(login, world):
    response = post(login("agent"), "workspace-ticket-support-note", world.ticket_customer, {"body": ""})
    assert response.status_code == 422 and not SupportNote.objects.exists()
