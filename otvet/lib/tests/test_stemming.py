"""Stemming and query parsing, without Django."""

from __future__ import annotations

from otvet.lib.stemming import parse_query, stem, stem_text


def test_russian_and_english_words_are_stemmed_by_their_own_stemmer():
    assert stem("кабинета") == stem("кабинет") == stem("Кабинетом")
    assert stem("payments") == stem("payment")
    assert stem("ёлка") == stem("елка")


def test_text_keeps_words_and_drops_punctuation():
    assert stem_text("Не могу войти!") == f"{stem('не')} {stem('могу')} {stem('войти')}"


def test_queries_understand_phrases_or_and_negation():
    assert parse_query('"личный кабинет" оплата OR счёт -возврат') == [
        ("and", [stem("личный"), stem("кабинет")]),
        ("and", [stem("оплата")]),
        ("or", [stem("счёт")]),
        ("not", [stem("возврат")]),
    ]
    assert parse_query("or") == [("and", ["or"])]
    assert parse_query("  !!! ") == []
