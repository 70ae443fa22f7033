"""parse_email never raises: arbitrary bytes, mangled corpus mails, hostile MIME structures."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from otvet.connectors.email import parse
from otvet.connectors.email.parse import Automatic, ParsedEmail, header_message_ids, parse_email

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.eml"))
RAW = [path.read_bytes() for path in CORPUS]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MIME_NOISE = [
    b"\n", b"\r\n", b"\n\n", b"--", b"=?", b"?=", b"=?utf-8?B?", b"=?koi8-r?Q?=F0", b"Content-Type: multipart/mixed;",
    b" boundary=", b"Content-Transfer-Encoding: base64\n", b"message/rfc822", b"charset=", b"filename*0*=",
    b"%D0", b"\xd0", b"\xff\xfe", b"\x00", b"<", b">", b":", b";", b'"', b"\t", b"=\n", b"Date: ", b"From: ",
]  # fmt: skip


def _assert_well_formed(parsed: ParsedEmail) -> None:
    """What every result promises, whatever the input."""
    assert isinstance(parsed, ParsedEmail)
    assert not [d for d in parsed.defects if d.startswith("unparsable")]  # tolerated inside, not caught at the top
    assert (parsed.bounce is not None) == (parsed.automatic == Automatic.BOUNCE)
    assert bool(parsed.reply_text.strip()) == bool(parsed.text.strip())
    assert parsed.date is None or (parsed.date.utcoffset() is not None and not parsed.date.utcoffset())
    for attachment in parsed.attachments:
        assert attachment.filename and "/" not in attachment.filename and "\\" not in attachment.filename
        assert attachment.filename not in (".", "..")
    assert "<" not in parsed.message_id[:1] and all(i and "<" not in i for i in parsed.references)


@FUZZ
@given(st.binary(max_size=4000))
def test_arbitrary_bytes_never_make_it_raise(raw: bytes) -> None:
    _assert_well_formed(parse_email(raw))


@FUZZ
@given(st.lists(st.one_of(st.sampled_from(MIME_NOISE), st.binary(max_size=40)), max_size=80))
def test_mime_looking_noise_never_makes_it_raise(chunks: list[bytes]) -> None:
    _assert_well_formed(parse_email(b"".join(chunks)))


@FUZZ
@given(
    st.sampled_from(RAW),
    st.lists(st.tuples(st.floats(0, 1), st.integers(0, 3), st.sampled_from(MIME_NOISE)), min_size=1, max_size=12),
)
def test_mangled_corpus_mails_never_make_it_raise(raw: bytes, edits: list[tuple[float, int, bytes]]) -> None:
    data = bytearray(raw)
    for where, kind, noise in edits:
        position = int(where * len(data))
        if kind == 0:
            data[position:position] = noise  # insert
        elif kind == 1:
            del data[position : position + len(noise) * 3]  # delete
        elif kind == 2 and data:
            data[min(position, len(data) - 1)] ^= 0x80  # flip the high bit: 8-bit garbage
        else:
            data = data[:position]  # truncate
    _assert_well_formed(parse_email(bytes(data)))


def test_deep_nesting_and_many_parts_are_cut_short_not_fatal() -> None:
    deep = (
        b"".join(f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n'.encode() for i in range(300))
        + b"Content-Type: text/plain\n\nhi\n"
    )
    many = (
        b'Content-Type: multipart/mixed; boundary="b"\n\n' + b"--b\nContent-Type: image/png\n\nx\n" * 800 + b"--b--\n"
    )
    for raw in (deep, many):
        parsed = parse_email(raw)
        _assert_well_formed(parsed)
        assert "too_many_parts" in parsed.defects


def test_attached_mails_nested_too_deep_are_kept_only_as_files() -> None:
    raw = b"From: a@b.ru\nSubject: 0\n\nbody\n"
    for level in range(1, 8):
        raw = (
            (
                f'From: a@b.ru\nSubject: {level}\nContent-Type: multipart/mixed; boundary="x{level}"\n\n'
                f"--x{level}\nContent-Type: message/rfc822\n\n"
            ).encode()
            + raw
            + f"\n--x{level}--\n".encode()
        )
    parsed = parse_email(raw)
    depth = 0
    while parsed.forwarded:
        parsed = parsed.forwarded[0]
        depth += 1
    assert depth == 3
    assert parsed.attachments


@FUZZ
@given(st.text(max_size=300))
def test_reading_message_ids_never_raises_and_never_keeps_brackets(value: str) -> None:
    for message_id in header_message_ids(value):
        assert message_id and "<" not in message_id and ">" not in message_id


def test_an_unexpected_failure_inside_still_returns_the_text_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(raw: bytes, depth: int) -> ParsedEmail:
        raise LookupError("boom")

    monkeypatch.setattr(parse, "_build", broken)
    parsed = parse_email("Subject: x\n\nтекст письма".encode())
    assert parsed.defects == ("unparsable_lookup_error",)
    assert "текст письма" in parsed.text
    assert parsed.reply_text == parsed.text.strip()
