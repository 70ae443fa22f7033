"""ticket_notify: rows for the recipients, one timeline event per call, each mail sent once."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation

from otvet.accounts.models import User
from otvet.connectors.models import Delivery
from otvet.core.errors import PermissionDenied
from otvet.notifications.emails import notification_emails_send
from otvet.notifications.models import Notification
from otvet.notifications.services import Audience, notification_text, ticket_notify
from otvet.testing.fixtures import World
from otvet.tickets.access import Actor
from otvet.tickets.choices import EventKind, MessageKind, ResponsePreference
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import Message, TicketEvent

pytestmark = pytest.mark.django_db
RULE = Actor.system("Ждёт 30 минут")


def notified(ticket) -> list[TicketEvent]:
    return list(TicketEvent.objects.filter(ticket=ticket, kind=EventKind.NOTIFIED))


def test_it_notifies_the_supervisors_once_with_one_event_and_one_mail_each(
    world: World, django_capture_on_commit_callbacks
) -> None:
    ticket = world.ticket_customer
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        count = ticket_notify(ticket=ticket, actor=RULE, audience=Audience.SUPERVISORS, text="Заявка #{number} ждёт")

    assert count == 2
    rows = Notification.objects.filter(ticket=ticket)
    assert {row.user.email for row in rows} == {"supervisor@example.com", "admin@example.com"}
    assert {row.text for row in rows} == {f"Заявка #{ticket.pk} ждёт"}
    assert all(row.emailed_at is not None and row.read_at is None for row in rows)
    [event] = notified(ticket)
    assert event.changes == {"audience": [None, "supervisors"]}
    assert event.note.startswith("Notified: the supervisors (2: ")
    assert event.note.endswith(f" — Заявка #{ticket.pk} ждёт")
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@example.com", "supervisor@example.com"]
    assert {m.subject for m in mail.outbox} == {f"[Otvet] #{ticket.pk}: {ticket.subject}"}
    assert f"/desk/tickets/{ticket.pk}/" in mail.outbox[0].body
    assert mail.outbox[0].extra_headers["Auto-Submitted"] == "auto-generated"

    # The job again (a retry) and the sweep find nothing left to send.
    assert notification_emails_send([row.pk for row in rows]) == 0
    assert len(mail.outbox) == 2


def test_nobody_to_notify_still_explains_itself_on_the_timeline(world: World) -> None:
    with translation.override("en"):
        count = ticket_notify(ticket=world.ticket_customer, actor=RULE, audience=Audience.ASSIGNEE, text="Пора")

    assert count == 0
    assert not Notification.objects.exists()
    [event] = notified(world.ticket_customer)
    assert event.note == "Nobody to notify: the assignee — Пора"
    assert event.changes == {"audience": [None, "assignee"]}


def test_mail_is_sent_in_the_recipients_language(world: World, django_capture_on_commit_callbacks) -> None:
    User.objects.filter(email="supervisor@example.com").update(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        ticket_notify(ticket=world.ticket_customer, actor=RULE, audience=Audience.SUPERVISORS, text="{status}")

    texts = {row.user.email: row.text for row in Notification.objects.select_related("user")}
    status = world.ticket_customer.status
    assert texts == {"supervisor@example.com": status.name_en, "admin@example.com": status.name_ru}
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "Ticket #" in bodies["supervisor@example.com"]


def test_no_mail_when_the_action_asks_for_none(world: World, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ticket_notify(ticket=world.ticket_customer, actor=RULE, audience=Audience.LINE, text="Новая", email=False)

    assert Notification.objects.filter(ticket=world.ticket_customer).count() == 3
    assert mail.outbox == []


def test_a_failed_mail_is_released_for_the_retry_and_sent_once_later(world: World, settings) -> None:
    ticket_notify(ticket=world.ticket_customer, actor=RULE, audience=Audience.SUPERVISORS, text="Ждёт")
    ids = list(Notification.objects.values_list("pk", flat=True))
    settings.EMAIL_BACKEND = "otvet.notifications.tests.failing_backend.Backend"

    with pytest.raises(ConnectionError):
        notification_emails_send(ids)
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 2

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_emails_send(ids) == 2
    assert notification_emails_send(ids) == 0
    assert len(mail.outbox) == 2


def test_customers_do_not_notify(world: World) -> None:
    with pytest.raises(PermissionDenied):
        ticket_notify(ticket=world.ticket_customer, actor=world.actor("customer"), audience="line", text="x")


def test_a_customer_with_a_login_is_told_in_the_portal_with_customer_words(world: World) -> None:
    ticket = world.ticket_customer
    count = ticket_notify(
        ticket=ticket, actor=RULE, audience=Audience.CUSTOMER, text="Статус: {status}, {link}, {assignee}"
    )

    assert count == 1
    [row] = Notification.objects.all()
    assert row.user == world.users["customer"] and not row.email_wanted
    assert ticket.status.customer_name_ru in row.text and f"/requests/{ticket.pk}/" in row.text
    assert "/desk/" not in row.text
    # They asked for answers in the portal: no mail, and nothing on the ticket's thread.
    assert not Delivery.objects.filter(ticket=ticket).exists()
    assert not Message.objects.filter(ticket=ticket, kind=MessageKind.SYSTEM).exists()
    assert len(notified(ticket)) == 1


def test_a_customer_without_a_login_gets_a_threaded_mail_on_the_ticket(
    world: World, django_capture_on_commit_callbacks
) -> None:
    ticket = world.ticket_colleague
    with django_capture_on_commit_callbacks(execute=True):
        count = ticket_notify(ticket=ticket, actor=RULE, audience=Audience.CUSTOMER, text="Мы работаем над #{number}")

    assert count == 1
    assert not Notification.objects.exists()
    message = Message.objects.get(ticket=ticket, kind=MessageKind.SYSTEM)
    assert message.body_text == f"Мы работаем над #{ticket.pk}"
    [delivery] = Delivery.objects.filter(ticket=ticket, message=message)
    assert delivery.state == "sent"
    [sent] = mail.outbox
    assert sent.to == [ticket.requester.email] and f"Мы работаем над #{ticket.pk}" in sent.body
    [event] = notified(ticket)
    assert event.message == message
    ticket.refresh_from_db()
    assert ticket.first_response_at is None  # a notification is not an answer


def test_a_customer_who_asked_for_email_gets_both(world: World, django_capture_on_commit_callbacks) -> None:
    contact = world.users["customer"].contact
    ticket = open_ticket(contact, "Почта", response_preference=ResponsePreference.EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        assert ticket_notify(ticket=ticket, actor=RULE, audience=Audience.CUSTOMER, text="Готово") == 1

    assert Notification.objects.filter(user=world.users["customer"], ticket=ticket).count() == 1
    assert [m.to for m in mail.outbox if "Готово" in m.body] == [[contact.email]]


def test_placeholders_are_filled_and_other_braces_kept(world: World) -> None:
    ticket = world.ticket_customer
    text = notification_text("#{number} «{subject}» {unknown} {", ticket, "ru")
    assert text == f"#{ticket.pk} «{ticket.subject}» {{unknown}} {{"
    assert notification_text("{assignee}", ticket, "ru") == "—"
    assert notification_text("{link}", ticket, "en").endswith(f"/desk/tickets/{ticket.pk}/")
    assert notification_text("{name}: {line}", ticket, "en") == f"{ticket.requester.name}: {ticket.line.name_en}"
    assert notification_text("{name}: {line}", ticket, "en", for_customer=True) == f"{ticket.requester.name}: "
