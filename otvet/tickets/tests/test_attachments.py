"""Uploads: size limit, sniffed type, digest, linking to messages, and download scoped like the message."""

from __future__ import annotations

import base64
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from otvet.core.errors import InvalidInput, TooLarge
from otvet.tickets.models import Attachment
from otvet.tickets.services import attachment_upload, ticket_add_note, ticket_reply

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def upload(actor, content: bytes, name: str) -> Attachment:
    return attachment_upload(actor=actor, file=SimpleUploadedFile(name, content))


def url(attachment: Attachment) -> str:
    return reverse("attachment-download", args=[attachment.pk, attachment.filename])


def test_the_content_type_is_sniffed_from_the_bytes_not_the_name(world):
    attachment = upload(world.actor("customer"), PNG, "report.pdf")
    assert attachment.content_type == "image/png"
    assert attachment.sha256 == hashlib.sha256(PNG).hexdigest() and attachment.size == len(PNG)
    assert upload(world.actor("customer"), "Привет".encode(), "notes.txt").content_type == "text/plain"
    assert upload(world.actor("customer"), b"\x00\x01\x02\xff\xfe", "blob.bin").content_type == (
        "application/octet-stream"
    )


def test_a_file_over_the_limit_is_refused(world, settings):
    settings.OTVET_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(TooLarge):
        upload(world.actor("customer"), b"x" * 11, "big.txt")
    assert not Attachment.objects.exists()


def test_an_empty_file_is_refused(world):
    with pytest.raises(InvalidInput):
        upload(world.actor("customer"), b"", "empty.txt")


def test_a_path_in_the_name_is_dropped(world):
    assert upload(world.actor("customer"), b"abc", "../../etc/passwd").filename == "passwd"


def test_attachments_link_to_the_reply_and_only_once(world):
    customer = world.actor("customer")
    attachment = upload(customer, PNG, "screen.png")
    message = ticket_reply(ticket=world.ticket_customer, actor=customer, body="Скриншот", attachments=[attachment])
    assert list(message.attachments.all()) == [attachment]
    with pytest.raises(InvalidInput):
        ticket_reply(ticket=world.ticket_customer, actor=customer, body="Ещё раз", attachments=[attachment])


def test_nobody_can_attach_someone_elses_upload(world):
    attachment = upload(world.actor("other_customer"), b"secret", "secret.txt")
    with pytest.raises(InvalidInput):
        ticket_reply(ticket=world.ticket_customer, actor=world.actor("customer"), body="x", attachments=[attachment])
    assert Attachment.objects.get(pk=attachment.pk).message is None


def test_download_is_scoped_like_the_message(world, client):
    agent = world.actor("agent")
    public = upload(agent, PNG, "screen.png")
    ticket_reply(ticket=world.ticket_customer, actor=agent, body="См. скриншот", attachments=[public])
    internal = upload(agent, b"internal log", "log.txt")
    ticket_add_note(ticket=world.ticket_customer, actor=agent, body="Лог", attachments=[internal])

    expectations = {
        "customer": (200, 404),
        "company_admin": (200, 404),
        "other_customer": (404, 404),
        "partner_agent": (404, 404),
        "agent": (200, 200),
    }
    for role, (public_status, internal_status) in expectations.items():
        client.force_login(world.users[role])
        assert client.get(url(public)).status_code == public_status, role
        assert client.get(url(internal)).status_code == internal_status, role
    client.logout()
    assert client.get(url(public)).status_code == 302  # to the login page


def test_images_are_served_inline_and_other_files_as_downloads(world, client):
    agent = world.actor("agent")
    image, text = upload(agent, PNG, "a.png"), upload(agent, b"hello", "a.txt")
    ticket_reply(ticket=world.ticket_customer, actor=agent, body="x", attachments=[image, text])
    client.force_login(world.users["customer"])
    image_response, text_response = client.get(url(image)), client.get(url(text))
    assert image_response["Content-Type"] == "image/png"
    assert image_response["Content-Disposition"].startswith("inline")
    assert text_response["Content-Disposition"].startswith("attachment")
    assert text_response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(image_response.streaming_content) == PNG
