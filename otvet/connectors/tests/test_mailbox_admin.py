"""Admins configure mailboxes; passwords are write-only: never shown back, kept when left empty."""

from __future__ import annotations

import pytest
from django.urls import reverse

from otvet.connectors.models import Mailbox

pytestmark = pytest.mark.django_db

SECRET = "imap-secret-Пароль-42"


@pytest.fixture
def admin_client(client, world):
    admin = world.users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(admin)
    return client


def form(mailbox: Mailbox, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": mailbox.name,
        "address": mailbox.address,
        "from_name": "",
        "is_active": "on",
        "imap_host": "imap.example.com",
        "imap_port": 993,
        "imap_security": "ssl",
        "imap_username": "support",
        "imap_password": "",
        "imap_folder": "INBOX",
        "imap_processed_folder": "",
        "poll_interval": 60,
        "smtp_host": "",
        "smtp_port": 587,
        "smtp_security": "starttls",
        "smtp_username": "",
        "smtp_password": "",
    }
    data.update(changes)
    return data


def test_the_mailbox_page_never_shows_a_stored_password(admin_client, mailbox) -> None:
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_password=SECRET, smtp_password=SECRET)
    page = admin_client.get(reverse("admin:connectors_mailbox_change", args=[mailbox.pk])).content.decode()
    assert SECRET not in page
    assert "••••••••" in page


def test_saving_with_an_empty_password_keeps_the_stored_one_and_a_new_one_replaces_it(admin_client, mailbox) -> None:
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_password=SECRET)
    url = reverse("admin:connectors_mailbox_change", args=[mailbox.pk])
    assert admin_client.post(url, form(mailbox, from_name="Поддержка")).status_code == 302
    mailbox.refresh_from_db()
    assert (mailbox.imap_password, mailbox.from_name) == (SECRET, "Поддержка")

    admin_client.post(url, form(mailbox, imap_password="new-one"))
    mailbox.refresh_from_db()
    assert mailbox.imap_password == "new-one"
