"""Phone numbers to E.164: the Russian national forms, international ones, and what is not a number."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from otvet.lib.phones import phone_display, phone_normalize

SAME_NUMBER = [
    "+79121234567",
    "+7 (912) 123-45-67",
    "8 912 123 45 67",
    "8-912-123-45-67",
    "89121234567",
    "79121234567",
    "9121234567",
    "(912) 123-45-67",
    "tel:+7-912-123-45-67",
    "  +7\u00a0912\u00a0123\u201145\u201167 ",
    "8 (912) 123.45.67",
]


@pytest.mark.parametrize("raw", SAME_NUMBER)
def test_every_russian_way_of_writing_a_mobile_number_gives_the_same_e164(raw: str) -> None:
    assert phone_normalize(raw) == "+79121234567"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("8 (495) 123-45-67", "+74951234567"),
        ("+49 151 1234 5678", "+4915112345678"),
        ("00 49 151 1234 5678", "+4915112345678"),
        ("810 49 151 1234 5678", "+4915112345678"),
        ("+375 29 123-45-67", "+375291234567"),
        ("4915112345678", "+4915112345678"),
    ],
)
def test_landlines_and_foreign_numbers_keep_their_country_code(raw: str, expected: str) -> None:
    assert phone_normalize(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "101",
        "anonymous",
        "+7 912 123-45-6",  # one digit short for +7
        "+7 912 123-45-678",  # one digit too many for +7
        "+1234567890123456",  # longer than E.164 allows
        "+0 123 456 789",
        "8 912 123 45 67 доб. 12",
        "0123456789",
        "++79121234567",
        "+７９１２１２３４５６７",  # full-width digits are not ASCII digits
    ],
)
def test_what_is_not_a_dialable_number_is_refused(raw: str) -> None:
    assert phone_normalize(raw) is None


@given(st.from_regex(r"9[0-9]{9}", fullmatch=True), st.sampled_from(["", "8", "7", "+7", "+7 ", "8 "]))
def test_a_russian_mobile_number_normalises_the_same_with_any_prefix(national: str, prefix: str) -> None:
    assert phone_normalize(prefix + national) == f"+7{national}"


@given(st.text(max_size=30))
def test_the_result_is_always_none_or_a_normalised_e164_number(raw: str) -> None:
    result = phone_normalize(raw)
    if result is not None:
        assert result[0] == "+" and result[1:].isdigit() and 8 <= len(result) - 1 <= 15
        assert phone_normalize(result) == result  # idempotent


def test_a_russian_number_is_grouped_for_reading() -> None:
    assert phone_display("+79121234567") == "+7 912 123-45-67"
    assert phone_display("+4915112345678") == "+4915112345678"
