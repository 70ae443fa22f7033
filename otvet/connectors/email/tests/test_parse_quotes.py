"""Cutting quoted history and signatures off replies: Russian patterns of ours, the rest by mail-parser-reply."""

from __future__ import annotations

import time

import pytest
from mailparser_reply import EmailReplyParser

from otvet.connectors.email.html_text import html_to_text
from otvet.connectors.email.quotes import reply_text

QUOTE = "> Здравствуйте! Проверьте, пожалуйста, настройки.\n> \n> --\n> Служба поддержки\n"


@pytest.mark.parametrize(
    "header",
    [
        "пн, 23 нояб. 2026 г. в 10:15, Служба поддержки <support@example.com>:",
        "пн, 23 нояб. 2026 г. в 10:15, Служба поддержки Otvet <\nsupport@example.com>:",
        "23 нояб. 2026 г., в 10:15, Служба поддержки <support@example.com> написал(а):",
        "23.11.2026 10:15, Служба поддержки пишет:",
        '23.11.2026, 10:15, "Служба поддержки" <support@example.com>:',
        "Понедельник, 23 ноября 2026, 10:15 +03:00 от Служба поддержки <support@example.com>:",
        "23 ноября 2026 г., 10:15 пользователь Служба поддержки <support@example.com> написал:",
        "Вы писали 23 ноября 2026 г., 10:15:",
        "On Mon, Nov 23, 2026 at 10:15 AM Otvet Support <support@example.com> wrote:",
        "Am 23.11.2026 um 10:15 schrieb Otvet Support <support@example.com>:",
    ],
)
def test_the_reply_stops_at_each_mail_programs_attribution_line(header: str) -> None:
    text = f"Спасибо, всё заработало.\n\n{header}\n\n{QUOTE}"
    assert reply_text(text) == "Спасибо, всё заработало."


@pytest.mark.parametrize(
    "history",
    [
        "От: Служба поддержки <support@example.com>\nОтправлено: 23 ноября 2026 г. 10:15\n"
        "Кому: Иван Петров <ivan@client.ru>\nТема: RE: Счёт\n\nЗдравствуйте!",
        "________________________________\nОт: Служба поддержки <support@example.com>\n"
        "Дата: понедельник, 23 ноября 2026 г., 10:15\nКому: ivan@client.ru\nТема: Счёт\n\nЗдравствуйте!",
        "-----Исходное сообщение-----\nОт: Служба поддержки [mailto:support@example.com]\n"
        "Отправлено: 23 ноября 2026 г. 10:15\nТема: Счёт\n\nЗдравствуйте!",
        "-----Original Message-----\nFrom: Otvet Support <support@example.com>\nSent: Monday, November 23, 2026\n"
        "Subject: Invoice\n\nHello!",
        '-------- Пересылаемое сообщение --------\n23.11.2026, 10:15, "Бухгалтерия" <buh@client.ru>:\n\nТекст',
        "---------- Forwarded message ---------\nFrom: Бухгалтерия <buh@client.ru>\nDate: Mon, 23 Nov 2026\n\nТекст",
        "Начало переадресованного сообщения:\n\nОт: Бухгалтерия <buh@client.ru>\nТема: Счёт\n\nТекст",
    ],
)
def test_the_reply_stops_where_outlook_style_history_or_a_forward_begins(history: str) -> None:
    assert reply_text(f"Прошу уточнить сроки.\n\n{history}") == "Прошу уточнить сроки."


@pytest.mark.parametrize(
    "signature",
    [
        "С уважением,\nИван Петров\nООО «Ромашка»",
        "С наилучшими пожеланиями,\nИван",
        "-- \nИван Петров\n+7 (900) 000-00-00",
        "Best regards,\nIvan",
        "Отправлено с iPhone",
        "Отправлено из мобильной Почты Mail.ru",
        "Отправлено из мобильной Яндекс Почты",
        "Sent from my iPhone",
        "Mit freundlichen Grüßen\nIwan",
    ],
)
def test_signatures_are_cut_off(signature: str) -> None:
    assert reply_text(f"Добрый день!\nСчёт оплатили.\n\n{signature}\n") == "Добрый день!\nСчёт оплатили."


def test_hyphen_lists_are_kept_and_not_taken_for_a_signature() -> None:
    text = "Не работает:\n- вход через Яндекс ID\n- выгрузка счетов\n\n-- \nИван"
    assert reply_text(text) == "Не работает:\n- вход через Яндекс ID\n- выгрузка счетов"


def test_quoted_lines_without_an_attribution_are_dropped() -> None:
    assert reply_text("> Пришлите номер договора.\nДоговор № 15 от 01.02.2026.") == "Договор № 15 от 01.02.2026."


def test_answers_between_quoted_lines_are_kept_in_order() -> None:
    text = (
        "23.11.2026 10:15, Служба поддержки пишет:\n> Версия приложения?\n\n2.14.0\n\n"
        "> Какое устройство?\n\nXiaomi Redmi Note 12\n\n-- \nКирилл"
    )
    assert reply_text(text) == "2.14.0\n\nXiaomi Redmi Note 12"


def test_a_greeting_before_the_quote_and_an_answer_after_it_are_both_kept() -> None:
    text = "Здравствуйте.\n\nВы писали 30 ноября 2026 г., 17:45:\n\n> Номер договора?\n\nДоговор № 2025-1188.\n"
    assert reply_text(text) == "Здравствуйте.\n\nДоговор № 2025-1188."


def test_a_mail_that_is_only_a_quote_or_a_forward_keeps_its_whole_text() -> None:
    forward = "---------- Forwarded message ---------\nFrom: Бухгалтерия <buh@client.ru>\nSubject: Счёт\n\nТекст"
    assert reply_text(forward) == forward
    assert reply_text("Sent from my iPhone") == "Sent from my iPhone"
    assert reply_text("") == ""
    assert reply_text(" \n\n ") == ""


@pytest.mark.parametrize(
    "text",
    [
        "Вопрос: как выгрузить счета?\nОтвет нужен до пятницы.",
        "Тема: интеграция с 1С\nСрок: до 4 декабря",
        "10.11 в 10:15 пришло уведомление: ошибка 500.\nПовторилось дважды.",
        "В 10:15 написал вам в чат, ответа нет.",
        "Кому: бухгалтерии.\nВсё остальное без изменений.",
    ],
)
def test_ordinary_sentences_that_look_a_little_like_headers_are_left_alone(text: str) -> None:
    assert reply_text(text) == text


def test_windows_line_endings_invisible_characters_and_indentation_are_normalised() -> None:
    text = "\ufeffДобрый день!\r\n\r\n\u200bСчёт получили.\u00a0\r\n\r\nС уважением,\r\nИван\r\n"
    assert reply_text(text) == "Добрый день!\n\nСчёт получили."


def test_a_very_long_line_is_kept_whole_and_does_not_slow_the_regexes_down() -> None:
    line = "On " + "x" * 400_000
    text = f"Лог ответа сервера:\n{line}\n\nOn Mon, Nov 23, 2026 at 10:15 AM Support <support@example.com> wrote:\n> q"
    started = time.perf_counter()
    result = reply_text(text)
    assert time.perf_counter() - started < 2
    assert result == f"Лог ответа сервера:\n{line}"


@pytest.mark.parametrize("line", ["On " + "x " * 198, "1 " + "10:10 " * 66, "пн, " + "а " * 197, "From: " + "x" * 390])
def test_a_huge_mail_of_header_like_lines_is_read_in_bounded_time(line: str) -> None:
    text = "\n".join([line] * 3000)
    started = time.perf_counter()
    assert reply_text(text)
    assert time.perf_counter() - started < 3


def test_html_quotes_are_dropped_before_the_html_is_read_as_text() -> None:
    html = (
        '<div dir="ltr">Спасибо!</div><div class="gmail_quote"><div class="gmail_attr">пн, 23 нояб. 2026 г. в 10:15,'
        " Support &lt;support@example.com&gt;:</div><blockquote>Старый текст</blockquote></div>"
    )
    assert html_to_text(html, drop_quotes=True) == "Спасибо!"
    assert "Старый текст" in html_to_text(html)


def test_the_library_alone_ignores_russian_which_is_why_we_extend_it() -> None:
    text = "Спасибо.\n\n23.11.2026 10:15, Служба поддержки пишет:\n> Старый текст"
    assert "Старый текст" in (EmailReplyParser(languages=["ru"]).parse_reply(text) or "")
    assert reply_text(text) == "Спасибо."


def test_indented_quotes_and_answers_are_read_like_flush_ones() -> None:
    text = "   Спасибо.\n\n    23.11.2026 10:15, Служба поддержки пишет:\n    > Номер договора?\n\n    Договор № 15."
    assert reply_text(text) == "Спасибо.\n\nДоговор № 15."
