"""POST /hooks/phone/: token checks, storage once per call id, and what each kind of call does to tickets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from otvet.connectors.choices import InboundState
from otvet.connectors.models import CallRecord
from otvet.connectors.phone.process import call_summary, duration_text
from otvet.customers.choices import IdentityKind
from otvet.customers.factories import ContactFactory
from otvet.customers.models import Contact, ContactIdentity
from otvet.tickets.choices import AuthorKind, Channel, MessageKind
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import Ticket

from .conftest import TOKEN, payload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"  # the job writes in the installation's language; the words checked are English
    with translation.override("en"):
        yield


def caller_with_phone(number: str = "+79121234567") -> Contact:
    contact = ContactFactory.create(phone=number)
    ContactIdentity.objects.create(contact=contact, kind=IdentityKind.PHONE, value=number)
    return contact


def test_the_hook_does_not_exist_until_a_token_is_configured(client, settings) -> None:
    settings.PHONE_WEBHOOK_TOKEN = ""
    response = client.post("/hooks/phone/", payload("answered_in"), content_type="application/json")
    assert response.status_code == 404
    assert not CallRecord.objects.exists()


@pytest.mark.parametrize("header", ["bearer", "x-otvet-token"])
def test_a_wrong_token_is_refused_and_nothing_is_stored(pbx, header: str) -> None:
    assert pbx(payload("answered_in"), token="guess", header=header).status_code == 403
    assert pbx(payload("answered_in"), token="", header=header).status_code == 403
    assert not CallRecord.objects.exists()


def test_both_token_headers_are_accepted(pbx) -> None:
    assert pbx(payload("answered_in"), header="bearer").status_code == 200
    assert pbx(payload("missed_in"), header="x-otvet-token").status_code == 200
    assert CallRecord.objects.count() == 2


def test_an_answered_call_becomes_a_system_note_on_the_callers_latest_open_ticket(pbx) -> None:
    caller = caller_with_phone()
    older = open_ticket(caller, "Старая заявка")
    latest = open_ticket(caller, "Не приходит SMS")
    response = pbx(payload("answered_in"))
    assert response.status_code == 200 and response.json()["created"] is True
    record = CallRecord.objects.get()
    assert (record.state, record.ticket, record.contact) == (InboundState.PROCESSED, latest, caller)
    note = latest.messages.get(kind=MessageKind.NOTE)
    assert note == record.message and note.author_kind == AuthorKind.SYSTEM
    url = payload("answered_in")["recording_url"]
    assert note.body_text == f"Call: incoming, 3 min 12 s, recording: {url}"
    assert not older.messages.filter(kind=MessageKind.NOTE).exists()


def test_the_same_call_reported_twice_is_stored_and_noted_once(pbx) -> None:
    caller = caller_with_phone()
    ticket = open_ticket(caller)
    first, second = pbx(payload("answered_in")), pbx(payload("answered_in", duration=999))
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json() == {"id": first.json()["id"], "created": False, "state": InboundState.PROCESSED}
    assert CallRecord.objects.get().duration == 192  # the first copy stands
    assert ticket.messages.filter(kind=MessageKind.NOTE).count() == 1


def test_a_missed_call_from_an_unknown_number_opens_a_ticket_to_call_back(pbx) -> None:
    assert pbx(payload("missed_in")).status_code == 200
    record = CallRecord.objects.select_related("ticket", "contact").get()
    ticket = record.ticket
    assert ticket is not None and ticket.channel == Channel.PHONE and ticket.is_open
    assert ticket.subject == "Missed call from +7 912 765-43-21"
    assert ticket.requester == record.contact
    assert ContactIdentity.objects.get(kind=IdentityKind.PHONE, value="+79127654321").contact == record.contact
    message = ticket.messages.get()
    assert message.author_kind == AuthorKind.CUSTOMER and "call back" in message.body_text
    assert record.message == message


def test_a_second_missed_call_goes_on_the_open_callback_ticket_instead_of_a_new_one(pbx) -> None:
    pbx(payload("missed_in"))
    pbx(payload("missed_in", call_id="1716990777.4561"))
    assert Ticket.objects.count() == 1
    ticket = Ticket.objects.get()
    assert ticket.messages.filter(kind=MessageKind.NOTE).count() == 1
    assert set(CallRecord.objects.values_list("ticket", flat=True)) == {ticket.pk}


def test_a_missed_call_opens_a_ticket_even_when_the_caller_has_another_open_one(pbx) -> None:
    caller = caller_with_phone("+79127654321")
    unrelated = open_ticket(caller, "Счёт за ноябрь")
    pbx(payload("missed_in"))
    record = CallRecord.objects.get()
    assert record.ticket != unrelated and record.ticket.subject.startswith("Missed call")


def test_a_contact_known_only_by_the_phone_field_is_found_and_linked(pbx) -> None:
    caller = ContactFactory.create(phone="8 912 123-45-67")
    ticket = open_ticket(caller)
    pbx(payload("answered_in"))
    assert CallRecord.objects.get().ticket == ticket
    assert ContactIdentity.objects.get(kind=IdentityKind.PHONE).contact == caller


def test_an_outgoing_call_is_put_on_the_callees_ticket(pbx) -> None:
    ticket = open_ticket(caller_with_phone())
    pbx(payload("answered_out"))
    record = CallRecord.objects.get()
    assert record.customer_number == "+79121234567" and record.ticket == ticket
    assert record.message.body_text == "Call: outgoing, 45 s"


def test_an_answered_call_without_an_open_ticket_is_kept_on_the_contact_only(pbx) -> None:
    caller = caller_with_phone()
    pbx(payload("answered_in"))
    record = CallRecord.objects.get()
    assert (record.state, record.contact, record.ticket) == (InboundState.PROCESSED, caller, None)
    assert record.reason and not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "body"),
        (b"[1, 2]", "body"),
        (payload("answered_in", call_id=""), "call_id"),
        (payload("answered_in", call_id=None), "call_id"),
        (payload("answered_in", caller="anonymous"), "caller"),
        (payload("answered_out", callee="12"), "callee"),
        (payload("answered_in", direction="sideways"), "direction"),
        (payload("answered_in", status="busy"), "status"),
        (payload("answered_in", started_at="yesterday"), "started_at"),
        (payload("answered_in", duration=-1), "duration"),
        (payload("answered_in", duration="3 min"), "duration"),
        (payload("answered_in", recording_url="ftp://pbx/rec.wav"), "recording_url"),
    ],
)
def test_a_malformed_call_is_refused_naming_the_field_and_nothing_is_stored(pbx, body, field: str) -> None:
    response = pbx(body)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not CallRecord.objects.exists()


def test_a_local_time_without_offset_is_read_in_the_installations_time_zone(pbx, settings) -> None:
    settings.TIME_ZONE = "Europe/Moscow"
    pbx(payload("missed_in"))
    assert CallRecord.objects.get().started_at.isoformat() == "2026-11-16T16:42:10+00:00"


def test_a_call_that_the_services_refuse_is_kept_as_failed(pbx, monkeypatch) -> None:
    from otvet.core.errors import InvalidInput

    def refuse(**kwargs):
        raise InvalidInput("No active status")

    monkeypatch.setattr("otvet.connectors.phone.process.ticket_open", refuse)
    assert pbx(payload("missed_in")).status_code == 200
    record = CallRecord.objects.get()
    assert record.state == InboundState.FAILED and record.reason == "No active status"
    assert not Ticket.objects.exists()


def test_durations_read_as_people_say_them() -> None:
    assert [duration_text(s) for s in (0, 45, 192, 3725)] == ["0 s", "45 s", "3 min 12 s", "1 h 2 min 5 s"]


def test_a_call_summary_without_a_recording_has_no_link() -> None:
    record = CallRecord(status="answered", direction="in", duration=61, recording_url="")
    assert call_summary(record) == "Call: incoming, 1 min 1 s"


def test_the_token_is_compared_whole(pbx) -> None:
    assert pbx(payload("answered_in"), token=TOKEN + "x").status_code == 403
    assert pbx(payload("answered_in"), token=TOKEN[:-1]).status_code == 403
