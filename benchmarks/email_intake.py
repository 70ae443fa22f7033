"""Email intake throughput: mails parsed, threaded and stored per second by one worker (issue 4's figure).

Each mail goes the way a delivered mail goes: stored raw, then processed by the job (run in this process, as one
worker runs it): parsed, its sender found or created, threaded, turned into a ticket or a reply with its
attachments, the ticket's event handled (search index, the confirmation queued). A third of the mails are replies
to earlier ones (by In-Reply-To, with quoted history), some carry HTML, attachments or Russian legacy charsets.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from email.message import EmailMessage
from email.utils import format_datetime

from benchmarks.measure import Row

SUBJECTS = (
    "Не приходит письмо с кодом подтверждения",
    "Ошибка при выгрузке счетов в 1С",
    "Как добавить сотрудника в личный кабинет?",
    "Invoice for November is missing",
    "Срочно: не работает оплата картой",
    "Вопрос по тарифу Комфорт",
)
QUOTE = "\n\n23 нояб. 2026 г., в 10:15, Поддержка <bench-support@example.com> написал(а):\n> Уточните, пожалуйста.\n"
BODIES = (
    "Здравствуйте!\n\nС утра не приходит письмо с кодом, проверили спам - пусто. Логин {n}.\n\nС уважением,\nИрина",
    "Добрый день. При выгрузке счетов за ноябрь 1С выдаёт ошибку 500. Заказ {n}.\n\n--\nБухгалтерия",
    "Hello, the invoice for order {n} is not in the account. Could you resend it?\n\nBest regards,\nJohn",
)


def intake_mails(count: int, rng: random.Random, domain: str) -> list[bytes]:
    """`count` mails from a few hundred senders; every third one replies to an earlier mail of its sender."""
    mails: list[bytes] = []
    sent: dict[str, str] = {}
    for number in range(count):
        sender = f"client{rng.randrange(300)}@{domain}"
        mail = EmailMessage()
        mail["From"] = f"Клиент {number} <{sender}>"
        mail["To"] = "bench-support@example.com"
        mail["Date"] = format_datetime(time_now())
        mail["Message-ID"] = f"<bench-{number}-{rng.randrange(10**9)}@{domain}>"
        body = rng.choice(BODIES).format(n=rng.randrange(10**5))
        parent = sent.get(sender)
        if parent is not None and number % 3 == 0:
            mail["Subject"] = "Re: " + rng.choice(SUBJECTS)
            mail["In-Reply-To"] = parent
            mail["References"] = parent
            body += QUOTE
        else:
            mail["Subject"] = rng.choice(SUBJECTS)
        charset = "koi8-r" if number % 7 == 0 else "utf-8"
        mail.set_content(body, charset=charset)
        if number % 2 == 0:
            mail.add_alternative(f"<html><body><p>{body.replace(chr(10), '<br>')}</p></body></html>", subtype="html")
        if number % 5 == 0:
            mail.add_attachment(b"%PDF-1.4 bench " * 200, maintype="application", subtype="pdf", filename="счёт.pdf")
        sent[sender] = mail["Message-ID"]
        mails.append(mail.as_bytes())
    return mails


def time_now() -> dt.datetime:
    from otvet.core import clock

    return clock.now()


def measure_intake(count: int, seed: int, burst: int | None = None) -> Row:
    """Store and process `count` mails in this process, as one worker behind an SMTP listener; mails per second.

    Mails arrive `burst` at a time (default: the size of a batch, as they queue up for a busy worker): each is
    stored and its job queued, then the worker runs every queued job (the first claims the pending mails as one
    batch, the others find theirs done and cost what that costs), and the batch's ticket events (search index,
    the confirmations queued). Sending the confirmations is another job on the network; it is left out. The
    median and p95 are of the time per mail of each burst (storing and processing).
    """
    from django.conf import settings
    from huey.storage import MemoryStorage

    from otvet.connectors.choices import InboundSource, InboundState
    from otvet.connectors.email.batch import BATCH_SIZE
    from otvet.connectors.email.store import inbound_email_store
    from otvet.connectors.models import InboundEmail, Mailbox

    burst = burst or BATCH_SIZE
    huey = settings.HUEY
    huey.immediate = False
    huey.storage = MemoryStorage(huey.name)  # jobs queue in memory; this process is the worker that runs them
    settings.OTVET_EMAIL_SENDER_LIMIT_PER_HOUR = count + 1
    rng = random.Random(seed)
    mailbox, _ = Mailbox.objects.get_or_create(address="bench-support@example.com", defaults={"name": "Bench"})
    mails = intake_mails(count, rng, f"bench-{uuid.uuid4().hex[:12]}.example")  # new senders and ids every run
    row = Row(f"email intake · 1 worker · {count} mails, {burst} at a time")
    first = InboundEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    started = time.perf_counter()
    for start in range(0, count, burst):
        arriving = mails[start : start + burst]
        begun = time.perf_counter()
        for raw in arriving:
            inbound_email_store(mailbox=mailbox, raw=raw, source=InboundSource.SMTP)
        while (task := huey.dequeue()) is not None:
            if not task.name.endswith("send_delivery"):
                huey.execute(task)
        row.samples += [(time.perf_counter() - begun) / len(arriving)] * len(arriving)
    elapsed = time.perf_counter() - started
    row.per_second = count / elapsed if elapsed else None
    mine = InboundEmail.objects.filter(mailbox=mailbox, pk__gt=first)
    row.errors = mine.exclude(state=InboundState.PROCESSED).count()
    return row
