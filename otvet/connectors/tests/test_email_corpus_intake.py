"""Every mail of the corpus goes the whole way in: stored, processed, never failed, nothing lost.

The corpus (otvet/connectors/email/tests/corpus/) holds realistic mails of every shape a support mailbox gets;
its .json files say what the parser must find. Here each one is delivered to a mailbox as it would arrive.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from otvet.connectors.choices import InboundState
from otvet.connectors.models import InboundEmail
from otvet.tickets.models import Message

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parents[1] / "email" / "tests" / "corpus"
MAILS = sorted(CORPUS.glob("*.eml"))


@pytest.mark.parametrize("path", MAILS, ids=[p.stem for p in MAILS])
def test_a_corpus_mail_is_taken_in_as_its_kind_demands(path: Path, receive) -> None:
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    row = receive(path.read_bytes())

    assert row.state != InboundState.FAILED, row.error
    assert bytes(InboundEmail.objects.get(pk=row.pk).raw) == path.read_bytes()  # the original, byte for byte
    automatic = expected.get("automatic", "")
    if expected.get("spam_flag"):  # a filter on the way said so: held in the Spam view, never a ticket
        assert row.state == InboundState.SPAM
        assert row.ticket_id is None
    elif automatic in ("", "bulk"):
        assert row.state == InboundState.PROCESSED, row.reason
        message = Message.objects.get(pk=row.message_id)
        for fragment in expected.get("reply_text_contains", []):
            assert fragment in message.body_text
        if "attachments" in expected:
            names = sorted(a.filename for a in message.attachments.all())
            assert names == sorted(a["filename"] for a in expected["attachments"])
    else:  # an auto-reply, list mail or bounce about nothing of ours: held visibly, with its reason
        assert row.state == InboundState.IGNORED
        assert row.reason


def test_the_whole_corpus_delivered_twice_makes_no_second_ticket(receive) -> None:
    for path in MAILS:
        receive(path.read_bytes())
    rows, tickets = InboundEmail.objects.count(), Message.objects.count()
    for path in MAILS:
        receive(path.read_bytes())
    assert (InboundEmail.objects.count(), Message.objects.count()) == (rows, tickets)
