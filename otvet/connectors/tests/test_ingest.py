"""A messenger message finds its contact, threads onto the right ticket, keeps its files, and is taken once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from otvet.connectors.ingest import IncomingFile, IncomingMessage, message_ingest
from otvet.core import clock
from otvet.tickets.access import Actor
from otvet.tickets.choices import Channel, StatusCategory
from otvet.tickets.models import Status, Ticket
from otvet.tickets.services.workflow import ticket_change_status

pytestmark = pytest.mark.django_db


def incoming(number: int, text: str = "Не работает оплата", **extra) -> IncomingMessage:
    return IncomingMessage(
        channel=Channel.TELEGRAM, sender_id="5001", chat_id="5001", external_id=f"1:5001:{number}", text=text, **extra
    )


def status(category: StatusCategory) -> Status:
    return Status.objects.filter(category=category).order_by("order")[0]


def test_a_second_message_continues_the_open_ticket() -> None:
    first = message_ingest(incoming=incoming(1, name="Пётр"))
    second = message_ingest(incoming=incoming(2, "Ещё скриншот"))
    assert second.ticket_id == first.ticket_id
    assert first.ticket.requester.name == "Пётр"


def test_the_same_external_id_is_ingested_once() -> None:
    first = message_ingest(incoming=incoming(1))
    assert message_ingest(incoming=incoming(1)) == first
    assert Ticket.objects.get().messages.count() == 1


def test_an_open_ticket_quiet_for_longer_than_the_window_is_not_continued(settings) -> None:
    settings.OTVET_MESSENGER_THREAD_DAYS = 3
    first = message_ingest(incoming=incoming(1))
    with time_machine.travel(clock.now() + dt.timedelta(days=4)):
        later = message_ingest(incoming=incoming(2, "Новый вопрос"))
    assert later.ticket_id != first.ticket_id


def test_a_recently_solved_ticket_is_reopened_and_an_old_or_closed_one_is_not(settings) -> None:
    settings.OTVET_MESSENGER_REOPEN_DAYS = 7
    first = message_ingest(incoming=incoming(1))
    system = Actor.system("test")
    ticket_change_status(ticket=first.ticket, actor=system, status=status(StatusCategory.SOLVED))

    again = message_ingest(incoming=incoming(2, "Снова не работает"))
    ticket = Ticket.objects.select_related("status").get(pk=first.ticket_id)
    assert again.ticket_id == ticket.pk
    assert ticket.status.category == StatusCategory.OPEN

    ticket_change_status(ticket=ticket, actor=system, status=status(StatusCategory.CLOSED))
    after_close = message_ingest(incoming=incoming(3, "А теперь другое"))
    assert after_close.ticket_id != ticket.pk
    assert after_close.ticket.subject == "А теперь другое"


def test_a_file_over_the_limit_is_left_out_without_being_fetched(settings) -> None:
    settings.OTVET_ATTACHMENT_MAX_BYTES = 1000
    fetched: list[str] = []

    def fetch() -> bytes:
        fetched.append("big")
        return b"x" * 2000

    files = [
        IncomingFile(filename="big.mp4", size=5000, fetch=fetch),
        IncomingFile(filename="note.txt", content=b"hello"),
    ]
    message = message_ingest(incoming=incoming(1, attachments=files))
    assert fetched == []
    assert [a.filename for a in message.attachments.all()] == ["note.txt"]
    assert "big.mp4" in message.body_text


def test_a_message_without_text_gets_a_subject_naming_its_sender() -> None:
    message = message_ingest(incoming=incoming(1, "", name="Пётр", attachments=[IncomingFile("a.txt", content=b"1")]))
    assert "Пётр" in message.ticket.subject
