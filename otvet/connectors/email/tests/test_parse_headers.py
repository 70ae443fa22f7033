"""Header decoding that real mail needs: message ids, Russian charsets, broken encoded words, addresses, dates."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from otvet.connectors.email.headers import (
    Address,
    clean_email,
    decode_bytes,
    decode_header_text,
    parse_addresses,
    parse_date,
)
from otvet.connectors.email.parse import header_message_ids, parse_email
from otvet.connectors.email.parts import safe_filename

RUSSIAN = "Добрый день! Не приходит счёт за ноябрь, проверьте, пожалуйста."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<a@b.ru> <c@d.ru>", ("a@b.ru", "c@d.ru")),
        ("<a@b.ru>,<c@d.ru>", ("a@b.ru", "c@d.ru")),
        ("<a@b.ru>\r\n\t<c@d.ru>", ("a@b.ru", "c@d.ru")),
        ("a@b.ru c@d.ru", ("a@b.ru", "c@d.ru")),
        ("a@b.ru, <c@d.ru>", ("a@b.ru", "c@d.ru")),
        ("<a@b.ru> (Иван's message of Mon, 23 Nov) <a@b.ru>", ("a@b.ru",)),
        ('Your message of "Mon, 23 Nov 2026" <a@b.ru>', ("a@b.ru",)),
        ("<otvet-1042-\r\n abc@support.example.com>", ("otvet-1042-abc@support.example.com",)),
        ("<1234.5678>", ("1234.5678",)),
        ("", ()),
        ("   ", ()),
        ("<>", ()),
        ("garbage without ids", ()),
    ],
)
def test_message_ids_are_read_tolerantly(value: str, expected: tuple[str, ...]) -> None:
    assert header_message_ids(value) == expected


@pytest.mark.parametrize("codec", ["utf-8", "cp1251", "koi8_r"])
def test_unlabelled_russian_bytes_are_decoded_whichever_charset_they_are_in(codec: str) -> None:
    text, mismatch = decode_bytes(RUSSIAN.encode(codec))
    assert text == RUSSIAN
    assert mismatch is True


@pytest.mark.parametrize(
    ("real", "label"),
    [
        ("cp1251", "koi8-r"),
        ("koi8_r", "windows-1251"),
        ("cp1251", "us-ascii"),
        ("utf-8", "koi8-r"),
        ("cp1251", "utf-8"),
    ],
)
def test_a_wrong_charset_label_is_overruled_by_the_bytes(real: str, label: str) -> None:
    text, mismatch = decode_bytes(RUSSIAN.encode(real), label)
    assert text == RUSSIAN
    assert mismatch is True


@pytest.mark.parametrize("label", ["koi8-r", "KOI8-R", '"koi8-r"', "koi8r"])
def test_a_right_label_is_trusted(label: str) -> None:
    assert decode_bytes(RUSSIAN.encode("koi8_r"), label) == (RUSSIAN, False)


def test_western_text_in_a_latin_charset_is_not_turned_into_cyrillic() -> None:
    assert (
        decode_bytes("Café crème, s'il vous plaît".encode("latin-1"), "iso-8859-1")[0] == "Café crème, s'il vous plaît"
    )


def test_encoded_words_in_b_and_q_forms_and_several_charsets_are_decoded() -> None:
    value = (
        "=?utf-8?B?0KHRh9GR0YI=?= =?koi8-r?Q?_=DA=C1_?= "
        + "=?windows-1251?B?"
        + base64.b64encode("ноябрь".encode("cp1251")).decode()
        + "?="
    )
    assert decode_header_text(value) == "Счёт за ноябрь"  # the space between words is not text


def test_a_character_split_across_two_encoded_words_is_joined_back() -> None:
    data = "Счёт".encode()
    first, second = base64.b64encode(data[:3]).decode(), base64.b64encode(data[3:]).decode()
    assert decode_header_text(f"=?utf-8?B?{first}?=\r\n =?utf-8?B?{second}?=") == "Счёт"


def test_broken_encoded_words_are_decoded_where_possible_and_noted() -> None:
    defects: list[str] = []
    assert decode_header_text("=?utf-8?B?0KHRh9GR0YI?= =?utf-8?Q?=D0=B7=D0=B0", defects) == "Счётза"
    assert "broken_encoded_word" in defects


def test_raw_8bit_header_bytes_are_decoded_and_noted() -> None:
    raw = "Subject: Смена тарифа\n\nтело".encode("cp1251")
    parsed = parse_email(raw)
    assert parsed.subject == "Смена тарифа"
    assert "unlabelled_8bit_header" in parsed.defects


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            '"Петров, Иван" <Ivan@Client.RU>, =?utf-8?B?0JzQsNGA0LjRjw==?= <m@client.ru>',
            [Address("ivan@client.ru", "Петров, Иван"), Address("m@client.ru", "Мария")],
        ),
        ("ivan@client.ru (Иван)", [Address("ivan@client.ru", "Иван")]),
        ("undisclosed-recipients:;", []),
        ("ivan", [Address("", "ivan")]),
        ("<>", []),
    ],
)
def test_addresses_are_parsed_with_decoded_names_and_lower_case_emails(value: str, expected: list[Address]) -> None:
    assert parse_addresses(value) == expected


@pytest.mark.parametrize(("value", "expected"), [("Ivan@Client.ru", "ivan@client.ru"), ("ivan", ""), ("a@b@c", "")])
def test_only_a_local_part_and_a_domain_make_an_email(value: str, expected: str) -> None:
    assert clean_email(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mon, 23 Nov 2026 10:15:00 +0300", datetime(2026, 11, 23, 7, 15, tzinfo=UTC)),
        ("Mon, 23 Nov 2026 10:15:00 +0300 (MSK)", datetime(2026, 11, 23, 7, 15, tzinfo=UTC)),
        ("23 Nov 2026 10:15 GMT", datetime(2026, 11, 23, 10, 15, tzinfo=UTC)),
        ("Mon, 23 Nov 2026 10:15:00 -0000", datetime(2026, 11, 23, 10, 15, tzinfo=UTC)),
        ("23.11.2026 10:15:00 +0300", datetime(2026, 11, 23, 7, 15, tzinfo=UTC)),
        ("Пн, 23 ноя 2026 10:15:00 +0300", datetime(2026, 11, 23, 7, 15, tzinfo=UTC)),
        ("2026-11-23T10:15:00+03:00", datetime(2026, 11, 23, 7, 15, tzinfo=UTC)),
        ("31/11/2026 25:61", None),
        ("Mon, 23 Nov 1601 10:15:00 +0300", None),
        ("вчера", None),
        ("", None),
    ],
)
def test_dates_become_aware_utc_or_none(value: str, expected: datetime | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ivan\\Desktop\\Счёт.pdf", "Счёт.pdf"),
        ("report\x00.pdf", "report_.pdf"),
        ("  ..  ", "attachment-3.pdf"),
        ("", "attachment-3.pdf"),
        ("а" * 300 + ".xlsx", "а" * 175 + ".xlsx"),
    ],
)
def test_file_names_are_safe_basenames_and_never_empty(name: str, expected: str) -> None:
    assert safe_filename(name, 3, "application/pdf") == expected


def test_a_generated_name_takes_its_extension_from_the_content_type() -> None:
    assert safe_filename("", 1, "image/png") == "attachment-1.png"
    assert safe_filename("", 2, "application/x-unknown") == "attachment-2.bin"


def test_authentication_results_come_only_from_the_receiving_server_not_from_earlier_or_forged_hops() -> None:
    from otvet.connectors.email.parse import parse_email

    raw = (
        b"Authentication-Results: mx.example.com; spf=fail smtp.mailfrom=x@bank.ru\r\n"
        b"Authentication-Results: mx.example.com; dkim=none\r\n"
        b"Authentication-Results: forged.attacker.net; dkim=pass; dmarc=pass\r\n"
        b"From: x@bank.ru\r\nTo: support@example.com\r\nSubject: s\r\nMessage-ID: <a@b>\r\n\r\nbody\r\n"
    )
    assert parse_email(raw).auth_results == {"spf": "fail", "dkim": "none"}
