"""The new part of a reply: quoted history and signatures cut off by mail-parser-reply plus our Russian patterns.

mail-parser-reply keeps its patterns in a per-language table and drops languages it does not know, so
`EmailReplyParser(languages=["ru"])` silently parses as English. `_ReplyMessage` extends it through the one
lookup hook the library has (`_get_language_regex`), reading `EXTRA_LANGUAGES` first; the library's own table
stays untouched and still handles English, German and the rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from mailparser_reply import EmailMessage
from mailparser_reply.constants import QUOTED_MATCH_INCLUDE

Q = QUOTED_MATCH_INCLUDE  # a header may sit inside quoted text: "> > От: ..."
RU_WEEKDAY = r"(?:пн|вт|ср|чт|пт|сб|вс|понедельник|вторник|среда|четверг|пятница|суббота|воскресенье)"
# Every pattern has exactly one capturing group (the library collects every non-empty group as a header).
RU_WROTE = (
    # Apple Mail "23 нояб. 2026 г., в 10:15, Иван <ivan@x.ru> написал(а):", Thunderbird "23.11.2026 10:15, Иван
    # пишет:", Gmail "пн, 23 нояб. 2026 г. в 10:15, Иван <ivan@x.ru>:" (wrapped onto a second line when long),
    # Yandex '23.11.2026, 10:15, "Иван" <ivan@yandex.ru>:', Mail.ru "Понедельник, 23 ноября 2026, 10:15 +03:00
    # от Иван <ivan@mail.ru>:"; all carry a time, which keeps ordinary sentences ending in a colon out. The atomic
    # group settles on the first time of the line, so a line full of times costs one pass, not one per time.
    rf"^({Q}(?:\d|{RU_WEEKDAY}[,. ]|в\s)(?>[^\n]*?\d{{1,2}}:\d{{2}})[^\n]*?(?:\n{Q}[^\n]*?)??"
    r"(?:\s(?:написал\(а\)|написала|написал|пишет|wrote)\s?:|<?[^<>\s]+@[^<>\s]+>\s?:|\sот\s[^\s<>@]+@[^\s<>@]+\s?:))$",
    # The Bat! "Вы писали 23 ноября 2026 г., 10:15:"
    rf"^({Q}Вы писали [^\n]{{0,80}}\d{{1,2}}:\d{{2}}:)$",
)
RU_OUTLOOK = (
    rf"((?:(?:^|\n|\n{Q})[* ]*(?:От|Отправлено|Отправитель|Дата|Кому|Копия|Тема|Получатель):[ *]*(?:\s{{,2}}).*)"
    r"{2,}(?:\n.*){,1})"
)
SEPARATORS = (
    rf"^({Q}-{{2,}} ?(?:Исходное|Пересылаемое|Перенаправленное|Оригинальное) сообщение ?-{{2,}})$",
    rf"^({Q}-{{2,}} ?(?:Forwarded|Original) message ?-{{2,}})$",
    rf"^({Q}(?:Начало переадресованного сообщения|Begin forwarded message):)$",
)
EXTRA_LANGUAGES: dict[str, dict[str, str | Sequence[str]]] = {
    "ru": {
        "wrote_header": RU_WROTE,
        "from_header": RU_OUTLOOK,
        "disclaimers": (),
        "signatures": (
            "С уважением",
            "С наилучшими пожеланиями",
            "Всего (?:доброго|наилучшего)",
            "Хорошего (?:дня|вечера)",
        ),
        "sent_from": "Отправлено с|Отправлено из|Отправлено через|Скачайте Outlook для|Загрузите Outlook для",
    },
    # Separators that mail programs write whatever the language, kept apart like the library's own "david".
    "clients": {"from_header": SEPARATORS},
}
DEFAULT_LANGUAGES = ("ru", "clients", "en", "de")

# The library's patterns cost up to the square of a line's length per line, so what it reads is bounded: longer lines
# are never headers and a mail's tail past SCAN_LIMIT is never where its new text ends; both are shelved (swapped
# for a short token and put back afterwards).
LONG_LINE = 400
SCAN_LIMIT = 100_000
SHELF = "\ue000{}\ue001"
SHELVED = re.compile("\ue000(\\d+)\ue001")
QUOTED_LINE = re.compile(r"^[ \t]*>.*(?:\n|$)", re.MULTILINE)
TRAILING_RULE = re.compile(r"(?:\n[ \t]*[-_=*~]{3,}[ \t]*)+\s*$")
BLANK_LINES = re.compile(r"\n{3,}")
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None) | {0xA0: " "}


class _ReplyMessage(EmailMessage):  # type: ignore[misc]
    """mail-parser-reply's message, reading `EXTRA_LANGUAGES` before the library's own table."""

    def _get_language_regex(self, language: str, regex_key: str) -> Any:
        patterns = EXTRA_LANGUAGES.get(language)
        if patterns is None:
            return super()._get_language_regex(language, regex_key)
        value = patterns.get(regex_key, "")
        return value if isinstance(value, str) else "|".join(value)


def normalise(text: str) -> str:
    """Unix line endings, no invisible characters, no trailing spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(INVISIBLE)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _shelve(text: str) -> tuple[str, list[str]]:
    """`text` with every long line, and the tail past SCAN_LIMIT, replaced by short tokens; and what they stand for."""
    shelf: list[str] = []
    lines = text.split("\n")
    seen = 0
    for index, line in enumerate(lines):
        if len(line) > LONG_LINE or "\ue000" in line:
            lines[index] = SHELF.format(len(shelf))
            shelf.append(line)
            continue
        seen += len(line) + 1
        if seen > SCAN_LIMIT:
            shelf.append("\n".join(lines[index:]))
            lines[index:] = [SHELF.format(len(shelf) - 1)]
            break
    return "\n".join(lines), shelf


def _unshelve(text: str, shelf: list[str]) -> str:
    """The shelved lines put back."""
    return SHELVED.sub(lambda m: shelf[int(m.group(1))] if int(m.group(1)) < len(shelf) else "", text)


def _read(text: str, languages: Sequence[str]) -> tuple[str, str]:
    """(what precedes the first quote header, without signature; that header), by mail-parser-reply."""
    message = _ReplyMessage(text=text, languages=list(languages), keep_hyphen_lists=True).read()
    replies = message.replies
    if not replies:
        return "", ""
    if replies[0].headers:  # the text opens with quoted history
        return "", str(replies[0].headers)
    return str(replies[0].body), str(replies[1].headers) if len(replies) > 1 else ""


def _answers(rest: str) -> str:
    """The sender's own lines after a ">"-quoted block (bottom-posting, answers between quotes); "" if none."""
    lines = rest.strip("\n").split("\n")
    if not lines or not lines[0].lstrip().startswith(">"):
        return ""  # history that is not quoted with ">" (Outlook, forwards) has no answers in it
    return QUOTED_LINE.sub("", rest).strip()


def _reply(text: str, languages: Sequence[str]) -> str:
    """The new text of a normalised, shelved mail body; "" when it only holds quoted or forwarded text."""
    reply, header = _read(text, languages)
    if header:
        start = text.find(header)
        answers = _answers(text[start + len(header) :] if start >= 0 else "")
        if answers:
            reply = "\n\n".join(part for part in (reply, _read(answers, languages)[0]) if part.strip())
    reply = QUOTED_LINE.sub("", reply)
    reply = TRAILING_RULE.sub("", reply)
    return BLANK_LINES.sub("\n\n", reply).strip()


def reply_text(text: str, languages: Sequence[str] = DEFAULT_LANGUAGES) -> str:
    """The part of a mail body its sender just wrote; the whole (stripped) text when nothing else is left."""
    text = normalise(text)
    if not text.strip():
        return ""
    # The library strips every line before it looks for headers; stripping them here too lets us find its headers.
    shelved, shelf = _shelve("\n".join(line.strip() for line in text.split("\n")))
    reply = _reply(shelved, languages)
    return _unshelve(reply, shelf).strip() or text.strip()
