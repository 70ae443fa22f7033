"""«Объединить с…»: the page finds the other contact, previews the merge, merges; out-of-scope contacts are 404s."""

from __future__ import annotations

import pytest

from otvet.customers.choices import IdentityKind
from otvet.customers.factories import ContactFactory
from otvet.customers.models import Contact, ContactIdentity
from otvet.tickets.factories import open_ticket


@pytest.fixture
def twins(world) -> tuple[Contact, Contact]:
    company = world.ticket_customer.company
    keep = ContactFactory.create(name="Ирина Соколова", company=company)
    merge = ContactFactory.create(name="Звонивший", email="", company=company)
    ContactIdentity.objects.create(contact=merge, kind=IdentityKind.PHONE, value="+79121234567")
    return keep, merge


def url(contact: Contact) -> str:
    return f"/desk/contacts/{contact.pk}/merge/"


def test_the_other_contact_is_found_by_its_number_in_any_writing(login, twins) -> None:
    keep, merge = twins
    page = login("agent").get(url(keep), {"q": "8 912 123-45-67"}).content.decode()
    assert "Звонивший" in page and f"?other={merge.pk}" in page


def test_the_preview_lists_what_moves_and_the_post_merges(login, twins) -> None:
    keep, merge = twins
    ticket = open_ticket(merge, "Пропущенный звонок")
    client = login("agent")
    page = client.get(url(keep), {"other": merge.pk}).content.decode()
    assert "Пропущенный звонок" in page and "+79121234567" in page
    assert Contact.objects.filter(pk=merge.pk).exists()  # a preview writes nothing
    response = client.post(url(keep), {"other": merge.pk, "next": f"/desk/tickets/{ticket.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/desk/tickets/{ticket.pk}/"
    ticket.refresh_from_db()
    assert ticket.requester == keep and not Contact.objects.filter(pk=merge.pk).exists()


def test_a_refused_merge_is_explained_and_changes_nothing(login, world) -> None:
    keep, other = world.users["company_admin"].contact, world.users["customer"].contact  # both sign in
    client = login("agent")
    assert "alert-warning" in client.get(url(keep), {"other": other.pk}).content.decode()
    response = client.post(url(keep), {"other": other.pk})
    assert response.status_code == 409
    assert Contact.objects.filter(pk=other.pk).exists() and world.ticket_customer.requester == other


def test_contacts_outside_a_partner_agents_scope_are_404s(login, world, twins) -> None:
    keep, merge = twins
    client = login("partner_agent")
    assert client.get(url(keep)).status_code == 404
    partner_contact = world.users["partner_customer"].contact
    assert client.get(url(partner_contact), {"other": merge.pk}).status_code == 404
    assert client.post(url(partner_contact), {"other": merge.pk}).status_code == 404
    assert Contact.objects.filter(pk=merge.pk).exists()


def test_the_ticket_page_offers_the_merge(login, world) -> None:
    ticket = world.ticket_customer
    page = login("agent").get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert f"/desk/contacts/{ticket.requester_id}/merge/" in page


@pytest.mark.parametrize("role", ["customer", "company_admin"])
def test_customers_do_not_get_the_page(login, twins, role: str) -> None:
    assert login(role).get(url(twins[0])).status_code == 404
