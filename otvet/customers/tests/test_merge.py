"""Merging two contacts: everything moves to the kept one, in one transaction, with an event per ticket."""

from __future__ import annotations

import pytest

from otvet.accounts.factories import UserFactory
from otvet.core.errors import Conflict, NotFound, PermissionDenied
from otvet.customers.choices import IdentityKind
from otvet.customers.factories import CompanyFactory, ContactFactory
from otvet.customers.merge import contact_merge, contact_merge_plan
from otvet.customers.models import Contact, ContactIdentity, SupportNote
from otvet.customers.services import support_note_add
from otvet.tickets.choices import EventKind
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import Message, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(world) -> tuple[Contact, Contact]:
    """The same person twice: by email with a login, and by phone from a call."""
    company = world.ticket_customer.company
    keep = ContactFactory.create(name="Ирина Соколова", email="irina@romashka.ru", company=company, phone="")
    ContactIdentity.objects.create(contact=keep, kind=IdentityKind.EMAIL, value="irina@romashka.ru")
    merge = ContactFactory.create(name="+7 912 123-45-67", email="", company=None, phone="+79121234567")
    ContactIdentity.objects.create(contact=merge, kind=IdentityKind.PHONE, value="+79121234567")
    return keep, merge


def test_identities_tickets_notes_and_messages_move_and_the_merged_contact_is_gone(world, pair) -> None:
    keep, merge = pair
    agent = world.actor("agent")
    ticket = open_ticket(merge, "Пропущенный звонок")
    support_note_add(actor=agent, body="Звонит по вечерам", contact=merge)
    contact_merge(actor=agent, keep=keep, merge=merge)
    assert not Contact.objects.filter(pk=merge.pk).exists()
    assert set(keep.identities.values_list("kind", "value")) == {
        ("email", "irina@romashka.ru"),
        ("phone", "+79121234567"),
    }
    ticket.refresh_from_db()
    assert ticket.requester == keep and ticket.company == keep.company  # it follows the kept contact's company
    assert Message.objects.get(ticket=ticket).author_contact == keep
    assert SupportNote.objects.get().contact == keep
    keep.refresh_from_db()
    assert keep.phone == "+79121234567" and keep.email == "irina@romashka.ru"  # blanks filled, nothing overwritten


def test_each_moved_ticket_records_who_changed_the_requester(world, pair) -> None:
    keep, merge = pair
    tickets = [open_ticket(merge, f"Заявка {n}") for n in range(2)]
    contact_merge(actor=world.actor("agent"), keep=keep, merge=merge)
    for ticket in tickets:
        event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.FIELDS_CHANGED)
        assert event.changes["requester"] == [merge.pk, keep.pk]
        assert event.actor == world.users["agent"] and "Ирина Соколова" in event.note


def test_the_portal_login_moves_when_only_the_merged_contact_has_one(world, pair) -> None:
    keep, merge = pair
    merge.user = UserFactory(email="irina.home@example.org")
    merge.save()
    contact_merge(actor=world.actor("agent"), keep=keep, merge=merge)
    keep.refresh_from_db()
    assert keep.user is not None and keep.user.email == "irina.home@example.org"


def test_two_portal_logins_are_refused_and_nothing_moves(world, pair) -> None:
    keep, merge = pair
    keep.user, merge.user = UserFactory(), UserFactory()
    keep.save()
    merge.save()
    ticket = open_ticket(merge)
    with pytest.raises(Conflict) as refused:
        contact_merge(actor=world.actor("agent"), keep=keep, merge=merge)
    assert refused.value.code == "merge_refused"
    ticket.refresh_from_db()
    assert ticket.requester == merge and Contact.objects.filter(pk=merge.pk).exists()
    assert not TicketEvent.objects.filter(kind=EventKind.FIELDS_CHANGED).exists()


def test_contacts_of_two_different_companies_are_not_merged(world, pair) -> None:
    keep, merge = pair
    merge.company = CompanyFactory.create()
    merge.save()
    with pytest.raises(Conflict):
        contact_merge(actor=world.actor("agent"), keep=keep, merge=merge)


def test_a_partner_agent_cannot_merge_contacts_outside_the_partners_companies(world, pair) -> None:
    keep, merge = pair
    with pytest.raises(NotFound):
        contact_merge(actor=world.actor("partner_agent"), keep=keep, merge=merge)
    assert Contact.objects.filter(pk=merge.pk).exists()


def test_customers_cannot_merge(world, pair) -> None:
    with pytest.raises(PermissionDenied):
        contact_merge_plan(actor=world.actor("company_admin"), keep=pair[0], merge=pair[1])


def test_a_platform_agent_is_refused_when_a_ticket_sits_in_a_partners_own_line(world) -> None:
    partner_contact = world.users["partner_customer"].contact
    twin = ContactFactory.create(company=partner_contact.company)
    plan = contact_merge_plan(actor=world.actor("agent"), keep=twin, merge=partner_contact)
    assert plan.refusal and plan.ticket_count == 1
    assert not contact_merge_plan(actor=world.actor("supervisor"), keep=twin, merge=partner_contact).refusal


def test_the_plan_shows_what_will_move_without_writing(world, pair) -> None:
    keep, merge = pair
    open_ticket(merge, "Пропущенный звонок")
    plan = contact_merge_plan(actor=world.actor("agent"), keep=keep, merge=merge)
    assert (plan.ticket_count, [i.value for i in plan.identities], plan.refusal) == (1, ["+79121234567"], "")
    assert plan.filled == {"phone": "+79121234567"}
    assert Contact.objects.filter(pk=merge.pk).exists()
