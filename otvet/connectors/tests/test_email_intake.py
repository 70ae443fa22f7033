"""Inbound mail becomes tickets and replies: threading, contacts, companies, noise, holds, crashes."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from otvet.connectors.choices import InboundSource, InboundState
from otvet.connectors.email import process as process_module
from otvet.connectors.email.store import inbound_email_store
from otvet.connectors.email.threading import reply_address, ticket_token
from otvet.connectors.models import InboundEmail, Mailbox
from otvet.connectors.services import inbound_email_release
from otvet.connectors.tests.conftest import build_mail
from otvet.core.errors import TooLarge
from otvet.customers.factories import CompanyFactory
from otvet.customers.models import ContactIdentity
from otvet.tickets.choices import AuthorKind, Channel, MessageKind, ResponsePreference, StatusCategory
from otvet.tickets.models import Message, Status, Ticket

pytestmark = pytest.mark.django_db


def test_a_new_mail_opens_a_ticket_for_a_new_contact_of_the_company_with_that_domain(receive) -> None:
    company = CompanyFactory(email_domains=["client.ru"])
    row = receive(build_mail(attachments=[("счёт.pdf", b"%PDF-1.4 test", "application/pdf")]))

    assert row.state == InboundState.PROCESSED
    ticket = row.ticket
    assert ticket.subject == "Не работает выгрузка в 1С"
    assert ticket.channel == Channel.EMAIL
    assert ticket.response_preference == ResponsePreference.EMAIL
    assert ticket.requester.email == "ivan@client.ru"
    assert ticket.requester.name == "Иван Петров"
    assert ticket.company == company
    assert ContactIdentity.objects.filter(contact=ticket.requester, value="ivan@client.ru").exists()
    message = ticket.messages.get()
    assert "не выгружаются счета" in message.body_text
    assert [a.filename for a in message.attachments.all()] == ["счёт.pdf"]
    assert message.author_kind == AuthorKind.CUSTOMER


def test_the_same_mail_twice_is_stored_once_and_makes_one_ticket(receive, mailbox) -> None:
    raw = build_mail(message_id="<once@client.ru>")
    first = receive(raw)
    second = receive(raw)

    assert first.pk == second.pk
    assert InboundEmail.objects.count() == 1
    assert Ticket.objects.count() == 1


def test_another_mail_reusing_a_message_id_is_kept_as_a_visible_duplicate_an_agent_can_release(receive, world) -> None:
    receive(build_mail(message_id="<same@client.ru>", body="Первое письмо"))
    duplicate = receive(build_mail(message_id="<same@client.ru>", subject="Другое", body="Совсем другое письмо"))

    assert duplicate.state == InboundState.DUPLICATE
    assert Ticket.objects.filter(channel=Channel.EMAIL).count() == 1

    inbound_email_release(actor=world.actor("agent"), inbound=duplicate)
    duplicate.refresh_from_db()
    assert duplicate.state == InboundState.PENDING  # the job runs on commit; run it as the worker would
    process_module.inbound_email_process(duplicate.pk)
    duplicate.refresh_from_db()
    assert duplicate.state == InboundState.PROCESSED
    assert "Совсем другое письмо" in duplicate.message.body_text


def test_a_mail_without_message_id_is_keyed_by_its_content(mailbox) -> None:
    raw = build_mail(message_id="")
    row, created = inbound_email_store(mailbox=mailbox, raw=raw, source=InboundSource.SMTP)
    again, created_again = inbound_email_store(mailbox=mailbox, raw=raw, source=InboundSource.SMTP)

    assert created and not created_again
    assert row.pk == again.pk
    assert row.dedupe_key.startswith("sha256:")


@override_settings(OTVET_EMAIL_MAX_BYTES=1000)
def test_an_oversized_mail_is_refused_before_it_is_stored(mailbox) -> None:
    with pytest.raises(TooLarge):
        inbound_email_store(mailbox=mailbox, raw=build_mail(body="x" * 5000), source=InboundSource.SMTP)
    assert not InboundEmail.objects.exists()


def test_a_reply_threads_by_in_reply_to_onto_the_ticket(receive) -> None:
    first = receive(build_mail(message_id="<start@client.ru>"))
    reply = receive(
        build_mail(
            subject="Re: Не работает выгрузка в 1С",
            body="Добавлю: ошибка 500.\n\nпн, 23 нояб. 2026 г. в 10:15, Support <support@example.com>:\n> старое",
            in_reply_to="<start@client.ru>",
            references="<start@client.ru>",
        )
    )
    assert reply.ticket_id == first.ticket_id
    assert reply.message.body_text.startswith("Добавлю: ошибка 500.")
    assert "старое" not in reply.message.body_text


def test_a_reply_all_from_a_colleague_in_cc_stays_on_the_ticket(receive) -> None:
    first = receive(build_mail(message_id="<root@client.ru>", cc="Ольга <olga@client.ru>"))
    colleague = receive(
        build_mail(
            sender="Ольга <olga@client.ru>",
            cc="ivan@client.ru",
            subject="RE: Не работает выгрузка в 1С",
            body="У меня то же самое.",
            in_reply_to="<root@client.ru>",
        )
    )
    assert colleague.ticket_id == first.ticket_id
    assert first.cc == ["olga@client.ru"]


def test_the_ticket_token_in_our_address_threads_a_mail_without_headers(receive) -> None:
    first = receive(build_mail())
    number = first.ticket_id
    follow = receive(build_mail(to=reply_address("support@example.com", number), subject="Ещё вопрос", body="Вот"))
    assert follow.ticket_id == number


def test_a_forged_ticket_token_does_not_thread(receive) -> None:
    first = receive(build_mail())
    forged = f"support+t{first.ticket_id}-00000000@example.com"
    assert ticket_token(first.ticket_id) not in forged
    other = receive(build_mail(to=forged, subject="Чужое", body="Текст"))
    assert other.ticket_id != first.ticket_id


def test_a_subject_reference_threads_for_the_requester_but_not_for_a_stranger(receive) -> None:
    first = receive(build_mail())
    number = first.ticket_id
    same = receive(build_mail(subject=f"Re: выгрузка [#{number}]", body="Ещё деталь"))
    stranger = receive(build_mail(sender="spam@elsewhere.com", subject=f"Re: [#{number}]", body="Купите"))

    assert same.ticket_id == number
    assert stranger.ticket_id != number


def test_unrelated_mails_with_the_same_subject_never_merge(receive) -> None:
    one = receive(build_mail(subject="Вопрос"))
    two = receive(build_mail(sender="other@client.ru", subject="Вопрос"))
    three = receive(build_mail(subject="Вопрос"))
    assert len({one.ticket_id, two.ticket_id, three.ticket_id}) == 3


def test_a_customer_reply_reopens_a_solved_ticket(receive) -> None:
    first = receive(build_mail(message_id="<solved@client.ru>"))
    ticket = first.ticket
    ticket.status = Status.objects.get(code="done")
    ticket.save(update_fields=["status"])
    receive(build_mail(in_reply_to="<solved@client.ru>", body="Не помогло."))
    ticket.refresh_from_db()
    assert ticket.status.category == StatusCategory.OPEN


def test_a_reply_to_a_closed_ticket_opens_a_new_one_that_names_the_old(receive) -> None:
    first = receive(build_mail(message_id="<closed@client.ru>"))
    closed = Status.objects.filter(category=StatusCategory.CLOSED).first()
    Ticket.objects.filter(pk=first.ticket_id).update(status=closed, is_open=False)
    follow = receive(build_mail(in_reply_to="<closed@client.ru>", body="Снова сломалось."))

    assert follow.state == InboundState.PROCESSED
    assert follow.ticket_id != first.ticket_id
    assert re.search(rf"[#№]{first.ticket_id}\b", follow.message.body_text)


def test_an_auto_reply_to_a_ticket_becomes_a_system_note_that_moves_nothing(receive) -> None:
    first = receive(build_mail(message_id="<q@client.ru>"))
    status_before = first.ticket.status_id
    auto = receive(
        build_mail(
            subject="Автоматический ответ: Не работает выгрузка",
            body="Я в отпуске до 30 ноября.",
            in_reply_to="<q@client.ru>",
            headers={"Auto-Submitted": "auto-replied"},
        )
    )
    assert auto.state == InboundState.PROCESSED
    assert auto.automatic
    assert auto.message.kind == MessageKind.NOTE
    ticket = Ticket.objects.get(pk=first.ticket_id)
    assert ticket.status_id == status_before
    assert ticket.last_customer_message_at == first.ticket.last_customer_message_at


def test_an_auto_reply_that_continues_nothing_is_held_visibly_not_turned_into_a_ticket(receive) -> None:
    row = receive(build_mail(subject="Out of Office", headers={"Auto-Submitted": "auto-replied"}))
    assert row.state == InboundState.IGNORED
    assert row.reason
    assert row.ticket_id is None
    assert not ContactIdentity.objects.filter(value="ivan@client.ru").exists()  # noise leaves no contact behind


@override_settings(OTVET_EMAIL_SENDER_LIMIT_PER_HOUR=5)
def test_an_auto_reply_storm_from_one_sender_is_held_after_the_limit(receive) -> None:
    rows = [receive(build_mail(sender="robot@client.ru", subject=f"Письмо {i}")) for i in range(12)]
    states = [r.state for r in rows]
    assert states[:5] == [InboundState.PROCESSED] * 5
    assert set(states[5:]) == {InboundState.RATE_LIMITED}
    assert Ticket.objects.filter(requester__email="robot@client.ru").count() == 5


def test_mail_from_our_own_mailbox_is_never_processed_into_a_loop(receive, mailbox) -> None:
    Mailbox.objects.create(name="Sales", address="sales@example.com")
    row = receive(build_mail(sender="sales@example.com"))
    assert row.state == InboundState.IGNORED


def test_a_crash_in_the_middle_loses_nothing_and_the_retry_makes_one_ticket(mailbox, monkeypatch) -> None:
    raw = build_mail(attachments=[("a.txt", b"one", "text/plain"), ("b.txt", b"two", "text/plain")])
    row, _created = inbound_email_store(mailbox=mailbox, raw=raw, source=InboundSource.SMTP)
    real = process_module.attachment_store
    calls = {"n": 0}

    def crash_on_second(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the worker died")
        return real(**kwargs)

    monkeypatch.setattr(process_module, "attachment_store", crash_on_second)
    with pytest.raises(RuntimeError):
        process_module.inbound_email_process(row.pk)
    row.refresh_from_db()
    assert row.state == InboundState.PENDING
    assert not Ticket.objects.filter(channel=Channel.EMAIL).exists()

    monkeypatch.setattr(process_module, "attachment_store", real)
    process_module.inbound_email_process(row.pk)
    process_module.inbound_email_process(row.pk)  # a second run of the same job changes nothing
    row.refresh_from_db()
    assert row.state == InboundState.PROCESSED
    assert Ticket.objects.filter(channel=Channel.EMAIL).count() == 1
    assert Message.objects.filter(ticket=row.ticket).count() == 1
    assert row.message.attachments.count() == 2


def test_a_mail_from_an_agent_is_kept_as_an_internal_note(receive, world) -> None:
    first = receive(build_mail(message_id="<ask@client.ru>"))
    agent_email = world.users["agent"].email
    row = receive(build_mail(sender=agent_email, in_reply_to="<ask@client.ru>", body="Коллеги, посмотрите."))
    assert row.ticket_id == first.ticket_id
    assert row.message.kind == MessageKind.NOTE
    assert row.message.author_user == world.users["agent"]


def test_the_same_mail_reaching_two_of_our_mailboxes_makes_one_ticket(receive, mailbox) -> None:
    sales = Mailbox.objects.create(name="Sales", address="sales@example.com")
    raw = build_mail(to="support@example.com, sales@example.com", message_id="<both@client.ru>")
    one = receive(raw)
    two = receive(raw, to=sales)
    assert one.ticket_id == two.ticket_id
    assert Ticket.objects.filter(channel=Channel.EMAIL).count() == 1
