"""Every mail of the corpus parses to what its .json next to it expects (any subset of the fields)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from otvet.connectors.email.parse import Address, ParsedEmail, parse_email

CORPUS = Path(__file__).parent / "corpus"
MAILS = sorted(CORPUS.glob("*.eml"))
MINIMUM_CORPUS = 40
KNOWN_KEYS = {
    "subject", "sender", "message_id", "in_reply_to", "references", "to", "cc", "reply_to", "delivered_to", "date",
    "text", "text_contains", "text_excludes", "html_contains", "html_empty", "reply_text", "reply_text_contains",
    "reply_text_excludes", "attachments", "automatic", "bounce", "forwarded_count", "forwarded", "auth_results",
    "defects", "defects_nonempty", "defects_include", "language_hint", "spam_flag",
}  # fmt: skip


def _expected(mail: Path) -> dict[str, Any]:
    """The expectations stored next to a corpus mail."""
    data: dict[str, Any] = json.loads(mail.with_suffix(".json").read_text(encoding="utf-8"))
    return data


def _emails(addresses: tuple[Address, ...]) -> list[str]:
    """Just the addresses."""
    return [address.email for address in addresses]


def _check_sender(sender: Address, expected: str | dict[str, str]) -> None:
    """An expected sender is an address, or a dict of the fields to compare."""
    if isinstance(expected, str):
        assert sender.email == expected
    else:
        assert {key: getattr(sender, key) for key in expected} == expected


def _check_attachments(parsed: ParsedEmail, expected: list[dict[str, Any]]) -> None:
    """The same number of files, each with the expected subset of fields."""
    actual = [
        {
            "filename": a.filename,
            "content_type": a.content_type,
            "inline": a.inline,
            "size": len(a.content),
            "content_id": a.content_id,
        }
        for a in parsed.attachments
    ]
    assert [{key: a[key] for key in e} for a, e in zip(actual, expected, strict=False)] == expected
    assert len(actual) == len(expected), actual


def _check_mail(parsed: ParsedEmail, expected: dict[str, Any]) -> None:
    """Compare one parse result with the expected subset of fields."""
    assert set(expected) <= KNOWN_KEYS, set(expected) - KNOWN_KEYS
    for key in ("subject", "message_id", "text", "reply_text", "automatic", "auth_results", "language_hint"):
        if key in expected:
            assert getattr(parsed, key) == expected[key], key
    for key in ("in_reply_to", "references", "delivered_to"):
        if key in expected:
            assert list(getattr(parsed, key)) == expected[key], key
    for key in ("to", "cc", "reply_to"):
        if key in expected:
            assert _emails(getattr(parsed, key)) == expected[key], key
    if "sender" in expected:
        _check_sender(parsed.sender, expected["sender"])
    if "date" in expected:
        wanted = expected["date"]
        assert parsed.date == (datetime.fromisoformat(wanted) if wanted else None)
    for fragment in expected.get("text_contains", []):
        assert fragment in parsed.text
    for fragment in expected.get("text_excludes", []):
        assert fragment not in parsed.text
    for fragment in expected.get("html_contains", []):
        assert fragment in parsed.html
    if "html_empty" in expected:
        assert (parsed.html == "") is expected["html_empty"]
    for fragment in expected.get("reply_text_contains", []):
        assert fragment in parsed.reply_text
    for fragment in expected.get("reply_text_excludes", []):
        assert fragment not in parsed.reply_text
    if "attachments" in expected:
        _check_attachments(parsed, expected["attachments"])
    if "bounce" in expected:
        if expected["bounce"] is None:
            assert parsed.bounce is None
        else:
            assert parsed.bounce is not None
            assert {key: _plain(getattr(parsed.bounce, key)) for key in expected["bounce"]} == expected["bounce"]
    if "forwarded_count" in expected:
        assert len(parsed.forwarded) == expected["forwarded_count"]
    for mail, wanted in zip(parsed.forwarded, expected.get("forwarded", []), strict=False):
        _check_mail(mail, wanted)
    if "defects" in expected:
        assert list(parsed.defects) == expected["defects"]
    if "defects_nonempty" in expected:
        assert bool(parsed.defects) is expected["defects_nonempty"]
    for defect in expected.get("defects_include", []):
        assert defect in parsed.defects
    if "spam_flag" in expected:
        assert parsed.spam_flag is expected["spam_flag"]


def _plain(value: object) -> object:
    """Tuples as lists, to compare with JSON."""
    return list(value) if isinstance(value, tuple) else value


def test_the_corpus_holds_enough_mails_each_with_its_expectations() -> None:
    assert len(MAILS) >= MINIMUM_CORPUS
    assert all(mail.with_suffix(".json").exists() for mail in MAILS)
    assert {path.stem for path in CORPUS.glob("*.json")} == {mail.stem for mail in MAILS}


@pytest.mark.parametrize("mail", MAILS, ids=[mail.stem for mail in MAILS])
def test_each_corpus_mail_parses_to_what_its_json_expects(mail: Path) -> None:
    parsed = parse_email(mail.read_bytes())
    _check_mail(parsed, _expected(mail))


@pytest.mark.parametrize("mail", MAILS, ids=[mail.stem for mail in MAILS])
def test_line_endings_do_not_change_the_result(mail: Path) -> None:
    raw = mail.read_bytes()
    crlf = parse_email(raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    lf = parse_email(raw.replace(b"\r\n", b"\n"))
    assert (lf.subject, lf.message_id, lf.sender, lf.automatic) == (
        crlf.subject,
        crlf.message_id,
        crlf.sender,
        crlf.automatic,
    )
    assert lf.reply_text == crlf.reply_text
    assert [a.content for a in lf.attachments if not a.filename.endswith(".eml")] == [
        a.content for a in crlf.attachments if not a.filename.endswith(".eml")
    ]
