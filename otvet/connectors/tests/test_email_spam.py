"""Spam: the self-learning classifier, the agents' «Спам» / «Не спам», purging, figures, and SpamAssassin."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import override_settings

from otvet.accounts.factories import AgentFactory, UserFactory
from otvet.connectors import spam_services
from otvet.connectors.choices import InboundState
from otvet.connectors.email.parse import parse_email
from otvet.connectors.email.spam import (
    AUTH_CHECKS,
    AUTH_RESULTS,
    HEADER_VECTORIZER,
    MIN_EXAMPLES_PER_CLASS,
    SenderContext,
    SpamClassifier,
    mail_features,
)
from otvet.connectors.models import InboundEmail, SpamModel
from otvet.connectors.spam_services import (
    inbound_email_not_spam,
    spam_classifier,
    spam_purge,
    spam_stats,
    ticket_mark_spam,
)
from otvet.connectors.tests.conftest import build_mail
from otvet.core import clock
from otvet.core.errors import Conflict, PermissionDenied
from otvet.customers.factories import CompanyFactory
from otvet.tickets.access import Actor, actor_for_user
from otvet.tickets.choices import EventKind, StatusCategory
from otvet.tickets.models import Ticket

pytestmark = pytest.mark.django_db

SPF_FAIL = {"Authentication-Results": "mx.example.com; spf=fail smtp.mailfrom=x; dkim=none; dmarc=fail"}
SPF_PASS = {"Authentication-Results": "mx.example.com; spf=pass smtp.mailfrom=client.ru; dkim=pass; dmarc=pass"}
SPAM = [
    (
        "promo@lucky-win.biz",
        "ВЫ ВЫИГРАЛИ ПРИЗ",
        "Поздравляем! Вы выиграли iPhone. Заберите выигрыш: http://lucky-win.biz/",
    ),
    ("offer@cheap-pills.top", "Дешёвые таблетки", "Скидка 90% на таблетки без рецепта: http://cheap-pills.top/buy"),
    ("bonus@casino-x.io", "Бонус 500% на депозит", "Казино X дарит бонус! Играйте и выигрывайте: http://casino-x.io/"),
    (
        "rich@crypto-rich.net",
        "Earn $5000 a day",
        "Make money fast with crypto. Claim your bonus: http://crypto-rich.net/",
    ),
    (
        "seo@rank-top.ru",
        "Продвижение сайта в ТОП",
        "Выведем ваш сайт в топ за 2 недели. Скидка сегодня: http://rank-top.ru/",
    ),
]
HAM = [
    ("ivan@client.ru", "Не работает выгрузка в 1С", "После обновления не выгружаются счета в 1С, ошибка при открытии."),
    (
        "olga@client.ru",
        "Не приходят уведомления",
        "Со вчерашнего дня не приходят уведомления о новых заказах на почту.",
    ),
    ("petr@client.ru", "Invoice is missing", "The invoice for November is missing in the portal. Could you resend it?"),
    ("anna@client.ru", "Вопрос по тарифу", "Подскажите, как перейти на тариф Премиум и что изменится в SLA?"),
    ("max@client.ru", "Ошибка входа", "Не могу войти в личный кабинет, пишет неверный пароль, хотя пароль верный."),
]
NEW_SPAM = build_mail(
    sender="winner@prize-now.biz",
    subject="ПОЗДРАВЛЯЕМ! ВАШ ВЫИГРЫШ",
    body="Вы выиграли приз! Заберите выигрыш по ссылке http://prize-now.biz/get, скидка только сегодня.",
    headers=SPF_FAIL,
)


@pytest.fixture(autouse=True)
def _fresh_model_cache() -> None:
    """Each test starts as a fresh process would: no model loaded yet (test databases roll back, caches do not)."""
    spam_services._loaded.clear()


@pytest.fixture
def agent(db: None) -> Actor:
    return actor_for_user(AgentFactory(user=UserFactory(email="agent@example.com")).user)


@pytest.fixture
def customers(db: None) -> None:
    """The company whose people write in; each of them has written before."""
    CompanyFactory(email_domains=["client.ru"])


@pytest.fixture
def trained(receive, agent, committed, customers) -> Callable[[], None]:
    """Agents judge five spam mails («Спам» on the tickets they opened) and five real requests that an over-eager
    filter on the way had flagged («Не спам»): the classifier is then ready to decide."""

    def train() -> None:
        for sender, subject, body in SPAM:
            row = receive(build_mail(sender=sender, subject=subject, body=body, headers=SPF_FAIL))
            ticket_mark_spam(ticket=row.ticket, actor=agent)
        for sender, subject, body in HAM:
            receive(build_mail(sender=sender, subject="Здравствуйте", body="Спасибо, всё работает.", headers=SPF_PASS))
            row = receive(
                build_mail(sender=sender, subject=subject, body=body, headers={**SPF_PASS, "X-Spam-Flag": "YES"})
            )
            assert row.state == InboundState.SPAM
            with committed():
                inbound_email_not_spam(actor=agent, inbound=row)

    return train


def test_before_any_training_the_classifier_decides_nothing(receive) -> None:
    row = receive(NEW_SPAM)

    assert row.state == InboundState.PROCESSED
    assert row.ticket_id is not None
    assert row.spam_score is None
    assert (
        spam_classifier().predict(mail_features(parse_email(NEW_SPAM), SenderContext(False, False))).probability is None
    )


def test_an_upstream_spam_flag_holds_a_mail_even_before_any_training(receive) -> None:
    row = receive(build_mail(headers={"X-Spam-Flag": "YES"}))

    assert row.state == InboundState.SPAM
    assert row.ticket_id is None
    assert "X-Spam-Flag" in row.reason


def test_the_classifier_waits_until_it_has_learned_enough_of_both_kinds(receive, agent) -> None:
    for sender, subject, body in SPAM:
        ticket_mark_spam(ticket=receive(build_mail(sender=sender, subject=subject, body=body)).ticket, actor=agent)

    assert SpamModel.objects.get().spam_trained == len(SPAM) >= MIN_EXAMPLES_PER_CLASS
    assert receive(NEW_SPAM).state == InboundState.PROCESSED  # learned spam only: it would call everything spam


def test_after_a_handful_of_judged_mails_a_spam_like_mail_is_held_with_its_strongest_features(receive, trained) -> None:
    trained()
    row = receive(NEW_SPAM)

    assert row.state == InboundState.SPAM
    assert row.ticket_id is None
    assert row.spam_score >= 0.9
    assert f"{round(100 * row.spam_score)}%" in row.reason  # the classifier held it, not a filter on the way
    features = [item["feature"] for item in row.spam_explanation]
    assert "SPF: fail" in features
    assert all(item["weight"] > 0 for item in row.spam_explanation[:3])  # the strongest push towards spam
    assert len(features) <= 6


def test_after_training_a_normal_mail_from_a_known_customer_opens_a_ticket(receive, trained) -> None:
    trained()
    row = receive(
        build_mail(
            sender="ivan@client.ru",
            subject="Не открывается отчёт по продажам",
            body="Здравствуйте! Не открывается отчёт по продажам, ошибка 500.",
            headers=SPF_PASS,
        )
    )

    assert row.state == InboundState.PROCESSED
    assert row.ticket_id is not None
    assert row.spam_score < 0.5
    assert any(item["weight"] < 0 for item in row.spam_explanation)


def test_not_spam_on_a_held_mail_opens_its_ticket_and_the_same_mail_then_scores_lower(
    receive, trained, agent, committed
) -> None:
    trained()
    held = receive(NEW_SPAM)
    features = mail_features(parse_email(NEW_SPAM), SenderContext(known=False, company=False))
    before = spam_classifier().predict(features).probability
    ham_before = SpamModel.objects.get().ham_trained

    with committed():
        inbound_email_not_spam(actor=agent, inbound=held)

    held.refresh_from_db()
    assert held.state == InboundState.PROCESSED
    assert held.checks_skipped
    assert held.ticket.subject == "ПОЗДРАВЛЯЕМ! ВАШ ВЫИГРЫШ"
    assert SpamModel.objects.get().ham_trained == ham_before + 1
    assert spam_classifier().predict(features).probability < before


def test_spam_on_a_ticket_closes_it_with_an_event_and_teaches_the_model(receive, agent) -> None:
    row = receive(build_mail(sender="seo@rank-top.ru", subject="Продвижение", body="Выведем сайт в топ."))

    ticket = ticket_mark_spam(ticket=row.ticket, actor=agent)

    ticket.refresh_from_db()
    assert not ticket.is_open
    assert ticket.status.category == StatusCategory.CLOSED
    event = ticket.events.order_by("-id").first()
    assert event.kind == EventKind.SPAM_MARKED
    assert event.actor == agent.user
    row.refresh_from_db()
    assert row.state == InboundState.SPAM
    assert row.ticket_id == ticket.pk  # kept with its ticket: never purged, always restorable
    assert SpamModel.objects.get().spam_trained == 1
    with pytest.raises(Conflict):
        ticket_mark_spam(ticket=ticket, actor=agent)


def test_not_spam_on_a_ticket_marked_as_spam_reopens_it_and_teaches_the_model(receive, agent) -> None:
    row = receive(build_mail())
    ticket_mark_spam(ticket=row.ticket, actor=agent)

    inbound_email_not_spam(actor=agent, inbound=InboundEmail.objects.get(pk=row.pk))

    ticket = Ticket.objects.get(pk=row.ticket_id)
    assert ticket.is_open
    assert ticket.status.category == StatusCategory.OPEN
    assert list(ticket.events.order_by("id").values_list("kind", flat=True))[-2:] == [
        EventKind.SPAM_MARKED,
        EventKind.SPAM_CLEARED,
    ]
    row.refresh_from_db()
    assert row.state == InboundState.PROCESSED
    model = SpamModel.objects.get()
    assert (model.spam_trained, model.ham_trained) == (1, 1)
    assert model.false_positives == 0  # an agent's own «Спам» was undone, not the classifier's


def test_not_spam_refuses_a_mail_that_is_not_marked_as_spam(receive, agent) -> None:
    with pytest.raises(Conflict):
        inbound_email_not_spam(actor=agent, inbound=receive(build_mail()))


def test_a_ticket_that_did_not_come_by_mail_can_be_marked_as_spam_without_training(world) -> None:
    ticket = ticket_mark_spam(ticket=world.ticket_customer, actor=world.actor("agent"))

    assert not ticket.is_open
    assert not SpamModel.objects.exists()


@pytest.mark.parametrize("role", ["customer", "company_admin", "partner_customer"])
def test_only_agents_may_mark_spam_or_not_spam(world, receive, role) -> None:
    held = receive(build_mail(headers={"X-Spam-Flag": "YES"}))

    with pytest.raises(PermissionDenied):
        ticket_mark_spam(ticket=world.ticket_customer, actor=world.actor(role))
    with pytest.raises(PermissionDenied):
        inbound_email_not_spam(actor=world.actor(role), inbound=held)
    held.refresh_from_db()
    assert held.state == InboundState.SPAM
    assert world.ticket_customer.is_open


@override_settings(OTVET_SPAM_PURGE_DAYS=30)
def test_purge_deletes_only_old_held_spam_without_a_ticket(receive, agent) -> None:
    old = clock.now() - dt.timedelta(days=31)
    old_held = receive(build_mail(message_id="<a@x>", headers={"X-Spam-Flag": "YES"}))
    new_held = receive(build_mail(message_id="<b@x>", headers={"X-Spam-Flag": "YES"}))
    old_marked = receive(build_mail(message_id="<c@x>"))
    ticket_mark_spam(ticket=old_marked.ticket, actor=agent)
    old_processed = receive(build_mail(message_id="<d@x>"))
    InboundEmail.objects.filter(pk__in=[old_held.pk, old_marked.pk, old_processed.pk]).update(received_at=old)

    assert spam_purge(now=clock.now()) == 1

    assert set(InboundEmail.objects.values_list("pk", flat=True)) == {new_held.pk, old_marked.pk, old_processed.pk}


def test_the_figures_count_the_classifiers_false_positives(receive, trained, agent, committed) -> None:
    trained()
    receive(build_mail(sender="ivan@client.ru", subject="Отчёт", body="Не открывается отчёт.", headers=SPF_PASS))
    held = receive(NEW_SPAM)
    with committed():
        inbound_email_not_spam(actor=agent, inbound=held)

    stats = spam_stats()

    assert (stats["spam_trained"], stats["ham_trained"]) == (5, 6)
    assert stats["ready"]
    assert (stats["scored"], stats["held"], stats["false_positives"]) == (2, 1, 1)
    assert stats["false_positive_rate"] == pytest.approx(0.5)  # of 2 real requests it judged, it held 1


def test_the_admin_mail_log_shows_the_false_positive_rate(client, trained, receive, agent, committed) -> None:
    trained()
    with committed():
        inbound_email_not_spam(actor=agent, inbound=receive(NEW_SPAM))
    admin = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    client.force_login(admin)

    page = client.get("/admin/connectors/inboundemail/")

    assert page.status_code == 200
    assert page.context["spam_stats"]["false_positives"] == 1
    assert b'id="spam-stats"' in page.content
    assert b"100" in page.content


def test_every_process_shares_the_trained_model_through_the_database(receive, trained, agent) -> None:
    trained()
    features = mail_features(parse_email(NEW_SPAM), SenderContext(known=False, company=False))
    here = spam_classifier().predict(features)

    state = SpamModel.objects.get()  # another process: nothing loaded yet, only the database
    elsewhere = SpamClassifier.loads(bytes(state.estimator), spam=state.spam_trained, ham=state.ham_trained)
    assert elsewhere.predict(features) == here

    version = state.version
    ticket_mark_spam(ticket=receive(build_mail(headers=SPF_PASS)).ticket, actor=agent)
    assert SpamModel.objects.get().version == version + 1
    assert spam_classifier().predict(features) != here  # the cached copy gave way to the newer version


def test_the_features_name_what_spam_filters_look_at() -> None:
    raw = build_mail(
        sender="promo@shop.biz",
        subject="SUPER SALE TODAY",
        body="Buy now http://a.shop.biz/1 http://b.shop.biz/2 https://www.shop.biz/3 http://x.ru/4 http://y.ru/5",
        headers={"Reply-To": "orders@elsewhere.net", "Precedence": "bulk", "X-Spam-Flag": "YES"},
        attachments=[("invoice.pdf.exe", b"MZ", "application/octet-stream")],
    )
    header = mail_features(parse_email(raw), SenderContext(known=False, company=False)).header

    assert {
        "h:sender:unknown",
        "h:company:no",
        "h:spf:absent",
        "h:links:many",
        "h:upstream:spam",
        "h:attachment:risky",
        "h:subject:caps",
        "h:bulk",
        "h:reply_to:elsewhere",
    } <= set(header)


def test_the_header_features_never_share_a_hash_bucket() -> None:
    vocabulary = ["h:sender:known", "h:sender:unknown", "h:company:yes", "h:company:no", "h:upstream:spam"]
    vocabulary += ["h:html_only", "h:attachment:risky", "h:subject:caps", "h:subject:empty", "h:bulk"]
    vocabulary += ["h:reply_to:elsewhere", *(f"h:links:{b}" for b in ("0", "1", "few", "many"))]
    vocabulary += [f"h:{c}:{r}" for c in AUTH_CHECKS for r in (*AUTH_RESULTS, "other", "absent")]

    columns = HEADER_VECTORIZER.transform([[token] for token in vocabulary]).indices
    assert len(set(columns.tolist())) == len(vocabulary)


def test_words_are_stemmed_and_named_as_the_mail_spelled_them() -> None:
    classifier = SpamClassifier()
    spam = mail_features(parse_email(NEW_SPAM), SenderContext(known=False, company=False))
    ham = mail_features(parse_email(build_mail(headers=SPF_PASS)), SenderContext(known=True, company=True))
    for _round in range(MIN_EXAMPLES_PER_CLASS):
        classifier.learn(spam, is_spam=True)
        classifier.learn(ham, is_spam=False)
    other = build_mail(sender="a@b.biz", subject="Выигрыши", body="выигрыш выиграли", headers=SPF_FAIL)

    verdict = classifier.predict(mail_features(parse_email(other), SenderContext(known=False, company=False)))

    assert verdict.probability is not None and verdict.probability > 0.5
    assert any(item["feature"].endswith(": выигрыши") for item in verdict.explanation)  # subject's spelling


def test_an_agent_answering_a_mail_ticket_teaches_the_model_a_real_request_once(receive, agent, committed) -> None:
    from otvet.tickets.services.messages import ticket_reply

    row = receive(build_mail(sender="ivan@client.ru", subject="Не работает выгрузка", body="Ошибка 500 при выгрузке."))
    with committed():
        ticket_reply(ticket=row.ticket, actor=agent, body="Проверяем.")
    with committed():
        ticket_reply(ticket=row.ticket, actor=agent, body="Исправили.")
    row.refresh_from_db()
    assert row.spam_learned == "ham"
    assert SpamModel.objects.get().ham_trained == 1


def test_answers_stop_teaching_once_enough_real_requests_were_learned(receive, agent, committed, monkeypatch) -> None:
    from otvet.tickets.services.messages import ticket_reply

    monkeypatch.setattr(spam_services, "HAM_FROM_ANSWERS", 2)
    for index in range(4):
        row = receive(build_mail(sender=f"client{index}@client.ru", subject=f"Вопрос {index}", body="Текст"))
        with committed():
            ticket_reply(ticket=row.ticket, actor=agent, body="Ответ")
    assert SpamModel.objects.get().ham_trained == 2


def test_answers_to_tickets_that_did_not_come_by_mail_teach_nothing(world, committed) -> None:
    from otvet.tickets.services.messages import ticket_reply

    with committed():
        ticket_reply(ticket=world.ticket_customer, actor=world.actor("agent"), body="Ответ")
    assert not SpamModel.objects.exists()
