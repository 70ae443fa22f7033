"""Tokenising and stemming Russian and English text (Snowball via PyStemmer); pure, no Django."""

from __future__ import annotations

import re
from functools import cache

import Stemmer

WORD = re.compile(r"[\w]+", re.UNICODE)
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


@cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(language)


def stem(word: str) -> str:
    """The Snowball stem of one word: Russian for Cyrillic words, English otherwise; lower case, ё as е."""
    word = word.lower().replace("ё", "е")
    return _stemmer("russian" if CYRILLIC.search(word) else "english").stemWord(word)


def tokens(text: str) -> list[str]:
    return [match.group(0) for match in WORD.finditer(text)]


def stem_text(text: str) -> str:
    """Every word of `text` stemmed, separated by spaces: what the SQLite index stores."""
    return " ".join(stem(word) for word in tokens(text))


def parse_query(query: str) -> list[tuple[str, list[str]]]:
    """A web-search style query as (operator, stems) terms: "and", "or" (after the word OR/ИЛИ), "not" (-word).

    Quoted text becomes one phrase term; its stems must appear in order.
    """
    terms: list[tuple[str, list[str]]] = []
    pending_or = False
    for match in re.finditer(r'(-?)"([^"]*)"|(-?)(\S+)', query):
        negated = bool(match.group(1) or match.group(3))
        raw = match.group(2) if match.group(2) is not None else match.group(4)
        if match.group(2) is None and raw.lower() in ("or", "или") and terms:
            pending_or = True
            continue
        stems = [stem(word) for word in tokens(raw)]
        if not stems:
            continue
        operator = "not" if negated else ("or" if pending_or else "and")
        terms.append((operator, stems))
        pending_or = False
    return terms
