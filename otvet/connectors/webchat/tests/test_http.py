"""The widget's HTTP side: the frame and its allowed ancestors, the pre-chat form, leaving a message out of hours,
uploads within the limits and bound to their visitor."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from otvet.connectors.models import ChatVisitor, ChatWidget, InboundMessage
from otvet.connectors.webchat.process import visitor_message_store
from otvet.connectors.webchat.visitors import visitor_contact, visitor_start
from otvet.core.errors import InvalidInput
from otvet.customers.factories import ContactFactory
from otvet.sla.models import Calendar, CalendarHours
from otvet.tickets.choices import Channel
from otvet.tickets.models import Line, Message, Ticket

pytestmark = pytest.mark.django_db
FRAME = {"HTTP_ORIGIN": "http://testserver"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MOSCOW = dt.timezone(dt.timedelta(hours=3))


def post_json(client: Client, url: str, data: dict, token: str = "") -> object:
    return client.post(url, json.dumps(data), content_type="application/json", HTTP_X_OTVET_VISITOR=token, **FRAME)


def office_hours(widget: ChatWidget) -> None:
    """Mon–Fri 09:00–18:00 Moscow, the calendar of the widget's line."""
    calendar = Calendar.objects.create(name="Офис", time_zone="Europe/Moscow", russian_holidays=False)
    for weekday in range(5):
        CalendarHours.objects.create(calendar=calendar, weekday=weekday, opens=dt.time(9), closes=dt.time(18))
    widget.line = Line.objects.create(code="webchat-office", name_ru="Чат", name_en="Chat", calendar=calendar)
    widget.save()


def test_the_frame_may_be_embedded_only_by_the_widgets_sites_and_speaks_the_pages_language(widget) -> None:
    response = Client().get(f"/chat/{widget.key}/?lang=en")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "frame-ancestors 'self' http://shop.example"
    assert "X-Frame-Options" not in response
    assert b"The operator is typing" in response.content and b'lang="en"' in response.content
    russian = Client().get(f"/chat/{widget.key}/?lang=ru")
    assert "Оператор печатает".encode() in russian.content
    assert Client().get("/chat/no-such-key/").status_code == 404
    script = Client().get("/chat/embed.js")
    assert script.status_code == 200 and b"data-otvet-chat" in script.content


def test_the_prechat_form_requires_what_the_widget_asks_and_links_no_existing_contact(
    widget, django_capture_on_commit_callbacks
) -> None:
    widget.prechat_form, widget.require_name, widget.require_email = True, True, True
    widget.save()
    known = ContactFactory(email="boss@shop.example", name="Настоящий клиент")
    client = Client()
    missing = post_json(client, f"/chat/{widget.key}/visitor/", {"name": "Гость"})
    assert missing.status_code == 422 and "email" in missing.json()["fields"]
    made = post_json(client, f"/chat/{widget.key}/visitor/", {"name": "Гость", "email": "Boss@shop.example"})
    assert made.status_code == 201
    visitor = ChatVisitor.objects.get()
    assert visitor.email == "boss@shop.example" and visitor.token_hash != made.json()["token"]

    with django_capture_on_commit_callbacks(execute=True):
        visitor_message_store(visitor=visitor, client_id="c1-ffffffff", text="Здравствуйте")
    contact = visitor_contact(visitor)
    assert contact is not None and contact.pk != known.pk  # an unverified email joins nobody
    assert contact.email == "" and contact.name == "Гость"
    assert "boss@shop.example" in contact.notes.get().body  # agents see it, and may merge


def test_a_foreign_origin_is_refused_on_the_json_endpoints(widget) -> None:
    response = Client().post(
        f"/chat/{widget.key}/visitor/", "{}", content_type="application/json", HTTP_ORIGIN="http://evil.example"
    )
    assert response.status_code == 404
    listed = Client().post(
        f"/chat/{widget.key}/visitor/", "{}", content_type="application/json", HTTP_ORIGIN="http://shop.example"
    )
    assert listed.status_code == 201


def test_out_of_hours_the_widget_offers_to_leave_a_message_which_opens_a_ticket_at_once(
    widget, django_capture_on_commit_callbacks
) -> None:
    office_hours(widget)
    client = Client()
    saturday = dt.datetime(2026, 11, 14, 12, 0, tzinfo=MOSCOW)
    with time_machine.travel(saturday, tick=False), django_capture_on_commit_callbacks(execute=True):
        frame = client.get(f"/chat/{widget.key}/?lang=ru")
        assert frame.context["config"]["open"] is False
        assert "Пн–Пт 09:00–18:00" in frame.content.decode()
        response = post_json(
            client,
            f"/chat/{widget.key}/leave/",
            {"name": "Анна", "email": "anna@mail.example", "text": "Перезвоните в понедельник", "id": "leave-00000001"},
        )
    assert response.status_code == 201 and response.json()["token"]
    ticket = Ticket.objects.get(channel=Channel.WEBCHAT)
    assert ticket.messages.get().body_text == "Перезвоните в понедельник"
    assert ChatVisitor.objects.get().email == "anna@mail.example"
    with time_machine.travel(dt.datetime(2026, 11, 16, 12, 0, tzinfo=MOSCOW), tick=False):  # Monday noon
        assert client.get(f"/chat/{widget.key}/").context["config"]["open"] is True
    no_email = post_json(client, f"/chat/{widget.key}/leave/", {"text": "Без почты", "id": "leave-00000002"})
    assert no_email.status_code == 422


def test_an_upload_is_limited_sniffed_and_usable_only_by_its_own_visitor(
    widget, settings, django_capture_on_commit_callbacks
) -> None:
    settings.OTVET_ATTACHMENT_MAX_BYTES = 1024
    visitor, token = visitor_start(widget=widget)
    stranger, stranger_token = visitor_start(widget=widget)
    client = Client()
    url = f"/chat/{widget.key}/upload/"
    big = client.post(url, {"file": SimpleUploadedFile("big.bin", b"x" * 2048)}, HTTP_X_OTVET_VISITOR=token, **FRAME)
    assert big.status_code == 413
    anonymous = client.post(url, {"file": SimpleUploadedFile("a.png", PNG)}, **FRAME)
    assert anonymous.status_code == 403
    ok = client.post(url, {"file": SimpleUploadedFile("снимок.txt", PNG)}, HTTP_X_OTVET_VISITOR=token, **FRAME)
    assert ok.status_code == 200
    ref = ok.json()["ref"]

    with pytest.raises(InvalidInput):
        visitor_message_store(visitor=stranger, client_id="c1-99999999", text="чужой файл", files=[ref])
    with django_capture_on_commit_callbacks(execute=True):
        visitor_message_store(visitor=visitor, client_id="c1-11111111", text="Скриншот ошибки", files=[ref])
    message = Message.objects.get(channel=Channel.WEBCHAT)
    attachment = message.attachments.get()
    assert attachment.filename == "снимок.txt" and attachment.content_type == "image/png"  # sniffed, not named
    assert InboundMessage.objects.count() == 1
    assert stranger_token != token
