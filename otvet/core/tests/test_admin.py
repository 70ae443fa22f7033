"""The configuration pages of the admin site open for administrators and stay closed to everyone else."""

from __future__ import annotations

import pytest

from otvet.accounts.factories import UserFactory

CHANGELISTS = [
    "accounts/user", "accounts/agent", "accounts/apitoken", "customers/plan", "customers/partner",
    "customers/company", "customers/contact", "tickets/status", "tickets/line", "tickets/criticality",
    "tickets/category", "tickets/ratingmark", "tickets/ticket", "tickets/savedview",
]  # fmt: skip


@pytest.mark.parametrize("changelist", CHANGELISTS)
def test_each_configuration_list_opens_for_a_superuser(client, world, changelist):
    client.force_login(UserFactory(email="root@example.com", is_staff=True, is_superuser=True))
    assert client.get(f"/admin/{changelist}/").status_code == 200
    if changelist != "tickets/ticket":
        assert client.get(f"/admin/{changelist}/add/").status_code in (200, 403)


def test_tickets_cannot_be_edited_in_the_admin(client, world):
    client.force_login(UserFactory(email="root@example.com", is_staff=True, is_superuser=True))
    assert client.get("/admin/tickets/ticket/add/").status_code == 403
    page = client.get(f"/admin/tickets/ticket/{world.ticket_customer.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content


@pytest.mark.parametrize("role", ["customer", "agent", "supervisor"])
def test_people_without_admin_rights_are_sent_to_the_admin_login(client, world, role):
    client.force_login(world.users[role])
    response = client.get("/admin/tickets/status/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
