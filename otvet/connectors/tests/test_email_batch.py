"""Mail processed in batches (email/batch.py) ends exactly as mail processed one by one, in fewer statements.

The reference is the one-mail path (process.inbound_email_process), run on the same stored mails in the same
order at the same moments; every row it writes is compared, ids replaced by what they point to.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from otvet.accounts.factories import AgentFactory, UserFactory
from otvet.connectors import spam_services, tasks
from otvet.connectors.choices import InboundSource, InboundState
from otvet.connectors.email import batch as batch_module
from otvet.connectors.email import process as process_module
from otvet.connectors.email.batch import inbound_emails_process, taken_by_a_batch
from otvet.connectors.email.parse import parse_email
from otvet.connectors.email.spam import SCHEME, SenderContext, SpamClassifier, mail_features
from otvet.connectors.email.store import inbound_email_store
from otvet.connectors.email.threading import reply_address
from otvet.connectors.models import Delivery, InboundEmail, Mailbox, SpamModel
from otvet.connectors.tests.conftest import build_mail
from otvet.core.errors import ServiceError
from otvet.customers.choices import IdentityKind
from otvet.customers.factories import CompanyFactory, ContactFactory, PartnerFactory
from otvet.customers.models import Contact, ContactIdentity
from otvet.tickets.events import events_process
from otvet.tickets.models import Attachment, Line, Message, Status, Ticket, TicketEvent
from otvet.tickets.services.common import MAX_BODY_CHARS

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parents[1] / "email" / "tests" / "corpus"
START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
SPAMMY = "Вы выиграли приз! Заберите выигрыш по ссылке http://prize-now.biz/get, скидка только сегодня."
SPF_FAIL = {"Authentication-Results": "mx.example.com; spf=fail smtp.mailfrom=x; dkim=none; dmarc=fail"}


@pytest.fixture(autouse=True)
def _fresh_model_cache() -> None:
    """No spam model loaded from an earlier test (test databases roll back, the process's copy does not)."""
    spam_services._loaded.clear()


@pytest.fixture
def setting(mailbox: Mailbox, committed: Callable[[], Any]) -> dict[str, Any]:
    """What the mails of the batch meet: a company by domain, a partner's company with its own first line,
    a portal customer without an email identity yet, an agent, a second mailbox, and tickets from earlier mail
    (open, solved, closed) with their confirmations queued."""
    CompanyFactory(name="ООО Ромашка", email_domains=["client.ru"])
    partner = PartnerFactory(name="Партнёр", own_first_line=True)
    CompanyFactory(name="Клиент партнёра", email_domains=["partner-client.ru"], partner=partner)
    ContactFactory(user=UserFactory(email="portal@client.ru"), email="portal@client.ru", name="Портальный")
    agent = AgentFactory(user=UserFactory(email="agent@example.com"))
    Mailbox.objects.create(name="Sales", address="sales@example.com")
    earlier = {}
    with time_machine.travel(START - dt.timedelta(minutes=30), tick=False):
        for key, sender in (("open", "ivan@client.ru"), ("solved", "olga@client.ru"), ("closed", "petr@client.ru")):
            with committed():
                row, _created = inbound_email_store(
                    mailbox=mailbox,
                    raw=build_mail(sender=sender, message_id=f"<{key}@client.ru>", subject=f"Заявка {key}"),
                    source=InboundSource.SMTP,
                )
            earlier[key] = Ticket.objects.get(inbound_emails=row)
    Ticket.objects.filter(pk=earlier["solved"].pk).update(status=Status.objects.get(code="done"))
    closed = Status.objects.filter(category="closed").first()
    Ticket.objects.filter(pk=earlier["closed"].pk).update(status=closed, is_open=False)
    confirmation = Delivery.objects.get(ticket=earlier["open"])
    return {"tickets": earlier, "agent": agent, "confirmation": confirmation}


def mixed_mails(setting: dict[str, Any]) -> list[tuple[str, bytes]]:
    """Every kind of mail a batch meets, in the order received: (mailbox address, raw)."""
    tickets, agent = setting["tickets"], setting["agent"]
    bounce = (
        "From: MAILER-DAEMON@mx.client.ru\r\nTo: support@example.com\r\nSubject: Undelivered Mail\r\n"
        "Message-ID: <bounce-1@mx.client.ru>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.client.ru\r\n\r\n"
        "Final-Recipient: rfc822; ivan@client.ru\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
        f"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{setting['confirmation'].external_id}>\r\n"
        "--B--\r\n"
    ).encode()
    support, sales = "support@example.com", "sales@example.com"
    both = build_mail(sender="kate@client.ru", to=f"{support}, {sales}", message_id="<both@client.ru>")
    return [
        (support, build_mail(sender="Иван <ivan@client.ru>", subject="Новый вопрос", cc="Ольга <olga@client.ru>")),
        (support, build_mail(sender="ivan@client.ru", in_reply_to="<open@client.ru>", body="Добавлю деталь.")),
        (support, build_mail(sender="olga@client.ru", in_reply_to="<solved@client.ru>", body="Не помогло.")),
        (support, build_mail(sender="petr@client.ru", in_reply_to="<closed@client.ru>", body="Снова сломалось.")),
        (
            support,
            build_mail(
                sender="ooo@client.ru",
                in_reply_to="<open@client.ru>",
                subject="Автоответ",
                body="Я в отпуске.",
                headers={"Auto-Submitted": "auto-replied"},
            ),
        ),
        (
            support,
            build_mail(sender="ooo2@client.ru", subject="Out of Office", headers={"Auto-Submitted": "auto-replied"}),
        ),
        (support, bounce),
        (
            support,
            build_mail(
                sender="winner@prize-now.biz",
                subject="ВАШ ВЫИГРЫШ",
                body=SPAMMY,
                headers={"X-Spam-Flag": "YES", **SPF_FAIL},
            ),
        ),
        *[(support, build_mail(sender="robot@client.ru", subject=f"Отчёт {n}")) for n in range(4)],
        (support, build_mail(sender="Новый Клиент <new@client.ru>", message_id="<new-1@client.ru>", subject="Первое")),
        (support, build_mail(sender="new@client.ru", subject="Второе, о другом")),
        (support, build_mail(sender="new@client.ru", in_reply_to="<new-1@client.ru>", body="К первому письму.")),
        (support, build_mail(sender=agent.user.email, in_reply_to="<open@client.ru>", body="Коллеги, гляньте.")),
        (
            support,
            build_mail(
                sender="anna@other.org", subject="Счёт", attachments=[("счёт.pdf", b"%PDF-1.4 x", "application/pdf")]
            ),
        ),
        (support, build_mail(sender="boss@partner-client.ru", subject="Партнёрская заявка")),
        (support, build_mail(sender="portal@client.ru", subject="С портала пишу почтой")),
        (
            support,
            build_mail(
                sender="olga@client.ru", subject=f"Re: [#{tickets['open'].pk}] ещё", body="Я из той же компании"
            ),
        ),
        (support, build_mail(sender="stranger@else.com", subject=f"Re: [#{tickets['open'].pk}]", body="Чужой")),
        (support, build_mail(sender="ivan@client.ru", to=reply_address(support, tickets["open"].pk), subject="Токен")),
        (support, build_mail(sender="sales@example.com", subject="Петля")),
        (support, build_mail(sender="long@client.ru", subject="Длинное", body="слово " * (MAX_BODY_CHARS // 5))),
        (support, build_mail(sender="empty@client.ru", subject="", body="")),
        (support, both),
        (sales, both),
    ]


def store(mails: list[tuple[str, bytes]]) -> list[InboundEmail]:
    """Store the mails a second apart, as the listener would; their jobs are not run."""
    rows = []
    for index, (address, raw) in enumerate(mails):
        with time_machine.travel(START + dt.timedelta(seconds=index), tick=False):
            mailbox = Mailbox.objects.get(address=address)
            rows.append(inbound_email_store(mailbox=mailbox, raw=raw, source=InboundSource.SMTP)[0])
    return rows


def one_by_one(rows: list[InboundEmail]) -> None:
    """The one-mail path, with the job's bookkeeping of a failure."""
    for row in rows:
        try:
            process_module.inbound_email_process(row.pk)
        except Exception as error:
            process_module.inbound_email_failed(row.pk, error, permanent=isinstance(error, ServiceError))


def as_batch(rows: list[InboundEmail]) -> None:
    inbound_emails_process(rows[0].pk)


def outcome(committed: Callable[[], Any], mails: list[tuple[str, bytes]], process: Callable[..., None]) -> Any:
    """Store the mails, process them, and describe every row written; then roll it all back."""
    with transaction.atomic():
        rows = store(mails)
        with time_machine.travel(START + dt.timedelta(minutes=5), tick=False), committed():
            process(rows)
        described = describe()
        transaction.set_rollback(True)
    return described


def describe() -> dict[str, Any]:
    """Everything intake writes, with ids replaced by stable names (ids differ between two runs)."""
    tickets = {pk: f"T{n}" for n, pk in enumerate(Ticket.objects.order_by("pk").values_list("pk", flat=True))}
    messages = {}
    for ticket_pk, name in tickets.items():
        for n, pk in enumerate(
            Message.objects.filter(ticket_id=ticket_pk).order_by("created_at", "pk").values_list("pk", flat=True)
        ):
            messages[pk] = f"{name}.m{n}"
    events = {}
    for ticket_pk, name in tickets.items():
        for n, pk in enumerate(
            TicketEvent.objects.filter(ticket_id=ticket_pk).order_by("created_at", "pk").values_list("pk", flat=True)
        ):
            events[pk] = f"{name}.e{n}"
    contacts = {c.pk: c.email or c.name for c in Contact.objects.all()}
    lines = dict(Line.objects.values_list("pk", "code"))  # a partner's first line is created on the way
    names = {
        "ticket": tickets,
        "message": messages,
        "requester": contacts,
        "author_contact": contacts,
        "contact": contacts,
        "line": lines,
    }

    def row(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
        values = {}
        for field in obj._meta.concrete_fields:
            if field.primary_key or field.name in skip:
                continue
            value = getattr(obj, field.attname)
            values[field.name] = names[field.name].get(value, value) if field.name in names else value
        return values

    def key(value: str) -> str:  # "email:notify:<event id>" names its event
        prefix, _colon, number = value.rpartition(":")
        return f"{prefix}:{events.get(int(number), number)}" if number.isdigit() else value

    return {
        "mails": [row(m, skip=("raw",)) for m in InboundEmail.objects.order_by("pk")],
        "tickets": {tickets[t.pk]: row(t) for t in Ticket.objects.all()},
        "messages": {messages[m.pk]: row(m) for m in Message.objects.all()},
        "attachments": sorted(
            (messages.get(a.message_id), a.filename, a.sha256, a.content_type, a.size) for a in Attachment.objects.all()
        ),
        "events": {
            events[e.pk]: {**row(e), "processed": e.processed_at is not None} for e in TicketEvent.objects.all()
        },
        "deliveries": sorted(
            (
                key(d.key),
                tickets[d.ticket_id],
                messages.get(d.message_id),
                d.purpose,
                d.template,
                d.mailbox_id,
                d.recipients,
                d.cc,
                d.state,
                d.last_error,
                d.attempts,
            )
            for d in Delivery.objects.all()
        ),
        "contacts": sorted((c.email, c.name, c.company_id, c.user_id) for c in Contact.objects.all()),
        "identities": sorted((i.kind, i.value, contacts[i.contact_id]) for i in ContactIdentity.objects.all()),
        "search": _search_entries(tickets, messages),
        "spam": list(SpamModel.objects.values_list("scored", "held")),
    }


def _search_entries(tickets: dict[int, str], messages: dict[int, str]) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT key, ticket_id FROM search_entry")
        else:
            cursor.execute("SELECT rowid, ticket_id FROM search_entry")
        found = cursor.fetchall()
    return sorted((tickets[-key] if key < 0 else messages[key], tickets[int(ticket)]) for key, ticket in found)


def compare(committed: Callable[[], Any], mails: list[tuple[str, bytes]], caplog: Any) -> dict[str, Any]:
    alone = outcome(committed, mails, one_by_one)
    together = outcome(committed, mails, as_batch)
    for part in alone:
        assert together[part] == alone[part], part
    # The same end is reached by the batch's own path: no mail left it by surprise, no write made it start over.
    assert "left the batch path" not in caplog.text and "one by one" not in caplog.text
    return together


@override_settings(OTVET_EMAIL_SENDER_LIMIT_PER_HOUR=3)
def test_a_batch_of_every_kind_of_mail_ends_exactly_as_one_mail_after_the_other(setting, committed, caplog) -> None:
    mails = mixed_mails(setting)
    result = compare(committed, mails, caplog)

    states = [m["state"] for m in result["mails"][-len(mails) :]]
    assert InboundState.RATE_LIMITED in states and InboundState.SPAM in states and InboundState.FAILED in states
    assert InboundState.IGNORED in states
    assert sum(1 for i in result["identities"] if i[1] == "new@client.ru") == 1
    assert sum(1 for t in result["tickets"].values() if t["requester"] == "new@client.ru") == 2
    assert any(e["kind"] == "reopened" for e in result["events"].values())
    assert any(d[0].startswith("email:notify:") for d in result["deliveries"])


def test_the_whole_corpus_as_one_batch_ends_as_one_mail_after_the_other(mailbox, committed, caplog) -> None:
    CompanyFactory(email_domains=["client.ru", "gmail.com", "yandex.ru", "mail.ru"])
    mails = [("support@example.com", path.read_bytes()) for path in sorted(CORPUS.glob("*.eml"))]
    compare(committed, mails, caplog)


def test_with_a_trained_classifier_a_batch_holds_and_scores_as_one_by_one(mailbox, committed, caplog) -> None:
    train_classifier()
    mails = [
        (
            "support@example.com",
            build_mail(sender=f"winner{n}@prize-now.biz", subject="ВАШ ВЫИГРЫШ", body=SPAMMY, headers=SPF_FAIL),
        )
        for n in (0, 1, 2, 0)  # the second mail of winner0: its first was held, so its sender is not known
    ]
    mails += [("support@example.com", build_mail(sender="ivan@client.ru", subject=f"Вопрос {n}")) for n in range(3)]
    result = compare(committed, mails, caplog)
    scores = [m["spam_score"] for m in result["mails"]]
    assert all(score is not None for score in scores)
    assert InboundState.SPAM in [m["state"] for m in result["mails"]]


def train_classifier() -> None:
    """A ready model in the database, as agents' judgements leave it."""
    classifier = SpamClassifier()
    context = SenderContext(known=False, company=False)
    for n in range(6):
        spam = build_mail(sender=f"promo{n}@lucky.biz", subject="ВЫИГРЫШ", body=SPAMMY, headers=SPF_FAIL)
        ham = build_mail(sender=f"client{n}@client.ru", subject="Не работает выгрузка", body="Ошибка при выгрузке 1С.")
        classifier.learn(mail_features(parse_email(spam), context), is_spam=True)
        classifier.learn(mail_features(parse_email(ham), context), is_spam=False)
    SpamModel.objects.create(
        pk=SpamModel.SINGLETON,
        scheme=SCHEME,
        version=1,
        revision=uuid.uuid4().hex,
        estimator=classifier.dumps(),
        spam_trained=classifier.spam,
        ham_trained=classifier.ham,
    )


def test_a_mail_that_fails_inside_a_batch_is_recorded_and_the_others_go_on(mailbox, committed, monkeypatch) -> None:
    real = process_module.ticket_for_mail

    def broken(parsed, *args: Any, **kwargs: Any) -> Any:
        if parsed.subject == "Сломает":
            raise RuntimeError("a bug in threading")
        return real(parsed, *args, **kwargs)

    monkeypatch.setattr(process_module, "ticket_for_mail", broken)
    rows = store([("support@example.com", build_mail(subject=s)) for s in ("Первое", "Сломает", "Третье")])
    with committed():
        inbound_emails_process(rows[0].pk)

    first, failed, third = (InboundEmail.objects.get(pk=row.pk) for row in rows)
    assert first.state == third.state == InboundState.PROCESSED
    assert failed.state == InboundState.PENDING  # not the mail's fault: retried, as a job's failure is
    assert failed.attempts == 1 and failed.error == "RuntimeError: a bug in threading"
    assert failed.ticket_id is None and Ticket.objects.count() == 2
    with pytest.raises(tasks.InboundEmailRetry):  # its own job is retried by the worker
        tasks.process_inbound_email.call_local(failed.pk)
    assert InboundEmail.objects.get(pk=failed.pk).attempts == 2


def test_a_batch_run_twice_creates_nothing_twice_and_a_crash_leaves_every_mail_pending(
    setting, committed, monkeypatch
) -> None:
    rows = store(mixed_mails(setting))

    def killed(*args: Any, **kwargs: Any) -> None:
        raise SystemExit("the worker was killed")

    monkeypatch.setattr(batch_module, "tickets_save_many", killed)
    counts = (Ticket.objects.count(), Message.objects.count(), Contact.objects.count(), TicketEvent.objects.count())
    with pytest.raises(SystemExit), committed():
        inbound_emails_process(rows[0].pk)
    assert set(InboundEmail.objects.filter(pk__in=[r.pk for r in rows]).values_list("state", flat=True)) == {
        InboundState.PENDING
    }
    assert (
        Ticket.objects.count(),
        Message.objects.count(),
        Contact.objects.count(),
        TicketEvent.objects.count(),
    ) == counts

    monkeypatch.undo()
    with committed():
        inbound_emails_process(rows[0].pk)
    before = describe()
    with committed():
        for row in rows:
            inbound_emails_process(row.pk)
            tasks.process_inbound_email.call_local(row.pk, stored=True)
    assert describe() == before


def test_the_confirmations_of_a_batch_are_queued_once_however_often_its_events_run(mailbox, committed) -> None:
    rows = store([("support@example.com", build_mail(sender=f"c{n}@client.ru", subject="Вопрос")) for n in range(3)])
    with committed():
        inbound_emails_process(rows[0].pk)
    deliveries = list(Delivery.objects.order_by("pk").values_list("key", "external_id"))
    assert len(deliveries) == 3
    events = TicketEvent.objects.filter(ticket__inbound_emails__in=rows)
    events.update(processed_at=None)  # as if a worker died before marking them

    with committed() as callbacks:
        assert events_process(list(events.values_list("pk", flat=True))) == 3
    assert list(Delivery.objects.order_by("pk").values_list("key", "external_id")) == deliveries
    assert callbacks == []  # nothing is sent a second time


def test_a_batch_claims_the_oldest_pending_mail_up_to_its_size(mailbox, committed) -> None:
    rows = store([("support@example.com", build_mail(subject=f"Письмо {n}")) for n in range(5)])
    with committed():
        inbound_emails_process(rows[3].pk, limit=3)
    states = [InboundEmail.objects.get(pk=row.pk).state for row in rows]
    assert states == [InboundState.PROCESSED] * 2 + [InboundState.PENDING] + [InboundState.PROCESSED] + [
        InboundState.PENDING
    ]


def test_a_bulk_write_that_fails_sends_the_batch_one_mail_at_a_time(mailbox, committed, monkeypatch, caplog) -> None:
    rows = store([("support@example.com", build_mail(sender=f"race{n}@client.ru", subject="Гонка")) for n in range(3)])
    real = batch_module.contacts_create_many
    theirs = ContactFactory(email="other@elsewhere.ru", name="Их контакт")

    def racing(contacts: Any, identities: Any) -> None:
        # As if another worker had linked one of the new addresses between our read and our write.
        ContactIdentity.objects.create(contact=theirs, kind=IdentityKind.EMAIL, value="race1@client.ru")
        real(contacts, identities)

    monkeypatch.setattr(batch_module, "contacts_create_many", racing)
    with committed():
        inbound_emails_process(rows[0].pk)
    assert "processed one by one" in caplog.text
    processed = InboundEmail.objects.filter(pk__in=[r.pk for r in rows])
    assert set(processed.values_list("state", flat=True)) == {InboundState.PROCESSED}
    assert ContactIdentity.objects.filter(value__startswith="race").count() == 3
    assert Ticket.objects.filter(requester__email__startswith="race").count() == 3


def test_a_batch_of_50_new_tickets_runs_a_fixed_number_of_statements(mailbox, committed) -> None:
    def statements(count: int) -> tuple[int, int]:
        with transaction.atomic():
            rows = store(
                [("support@example.com", build_mail(sender=f"c{n}@client.ru", subject="Вопрос")) for n in range(count)]
            )
            with CaptureQueriesContext(connection) as processing:
                inbound_emails_process(rows[0].pk)
            ids = list(TicketEvent.objects.filter(processed_at__isnull=True).values_list("pk", flat=True))
            with committed(), CaptureQueriesContext(connection) as events:
                assert events_process(ids) == count
            transaction.set_rollback(True)
        return len(processing.captured_queries), len(events.captured_queries)

    statements(1)  # the caches every process fills once (statuses, the default line, the mail directory)
    ten, fifty = statements(10), statements(50)
    # Nothing per mail; SQLite takes at most 999 values a statement, so 50 tickets (25 columns) take two INSERTs,
    # and 50 tickets' SLA clocks and timers two more.
    assert fifty[0] <= ten[0] + 1 and fifty[1] <= ten[1] + 2
    assert fifty[0] <= 23  # read 12: the mail (3), mailboxes, senders, contacts, companies, rate windows,
    # history, ticket messages, the spam model; write 7: contacts, identities, tickets, messages, events, the mail
    # rows; savepoints 4
    assert fifty[1] <= 32  # the events, search (2 on SQLite), the mails, known deliveries, deliveries, the marks;
    # SLA: policies, clocks, entries, tickets, timers; automation: its rules; auto-assignment: the lines;
    # messengers' replies; live updates: the agents to tell; savepoints


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_job_of_a_mail_its_worker_took_in_a_batch_costs_no_query(monkeypatch, django_assert_num_queries) -> None:
    monkeypatch.setattr(tasks, "process_inbound_email", lambda *args, **kwargs: None)  # stored; jobs not run yet
    Mailbox.objects.create(name="Support", address="support@example.com")
    rows = store([("support@example.com", build_mail(subject=f"Письмо {n}")) for n in range(3)])
    monkeypatch.undo()

    assert tasks.process_inbound_email.call_local(rows[0].pk, stored=True) == InboundState.PROCESSED
    with django_assert_num_queries(0):
        assert tasks.process_inbound_email.call_local(rows[1].pk, stored=True) == "batched"
    with django_assert_num_queries(1):  # a release's job (or the sweep's) always looks
        assert tasks.process_inbound_email.call_local(rows[2].pk) == InboundState.PROCESSED
    assert taken_by_a_batch(rows[2].pk)
    assert not taken_by_a_batch(rows[2].pk)  # asked once
