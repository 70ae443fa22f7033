"""`otvet demo`: the logins, a believable history in every status and channel, and --if-empty."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from otvet.core import clock
from otvet.customers.models import Contact
from otvet.search.services import tickets_matching
from otvet.tickets.choices import Channel, EventKind, MessageKind, Priority
from otvet.tickets.models import Message, Rating, Status, Ticket, TicketEvent

TICKETS = 40
LOGINS = (
    "admin@example.com",
    "supervisor@example.com",
    "agent@example.com",
    "partner.agent@example.com",
    "customer@example.com",
    "company.admin@example.com",
)


def run_demo(**options: object) -> str:
    out = StringIO()
    call_command("demo", stdout=out, **{"tickets": TICKETS, **options})
    return out.getvalue()


@pytest.fixture
def demo_output(db: None) -> str:
    return run_demo()


def test_every_demo_login_signs_in_with_the_password_demo(demo_output) -> None:
    for email in LOGINS:
        assert authenticate(email=email, password="demo") is not None, email
        assert email in demo_output


def test_every_demo_login_signs_in_through_the_login_page(demo_output, client) -> None:
    """Mandatory email verification must not stop the demo people: their addresses are verified."""
    for email in LOGINS:
        client.logout()
        response = client.post("/accounts/login/", {"login": email, "password": "demo"})
        assert response.status_code == 302 and "confirm-email" not in response["Location"], email
        assert client.get(response["Location"], follow=True).status_code == 200, email


def test_the_logins_have_the_roles_they_are_named_after(demo_output) -> None:
    users = {email: authenticate(email=email, password="demo") for email in LOGINS}
    admin = users["admin@example.com"]
    assert admin.is_staff and admin.is_superuser and admin.agent.role == "admin"
    assert users["supervisor@example.com"].agent.role == "supervisor"
    agent = users["agent@example.com"].agent
    assert agent.partner is None and {"first", "second"} <= set(agent.lines.values_list("code", flat=True))
    assert users["partner.agent@example.com"].agent.partner.own_first_line
    customer, company_admin = users["customer@example.com"].contact, users["company.admin@example.com"].contact
    assert customer.company.plan.code == "premium" and not customer.is_company_admin
    assert company_admin.company == customer.company and company_admin.is_company_admin


def test_contacts_are_known_by_several_identities(demo_output) -> None:
    kinds = set(Contact.objects.values_list("identities__kind", flat=True))
    assert {"email", "phone", "telegram"} <= kinds


def test_tickets_cover_every_status_channel_and_priority(demo_output) -> None:
    tickets = Ticket.objects.all()
    assert tickets.count() == TICKETS
    assert set(tickets.values_list("status__code", flat=True)) == set(Status.objects.values_list("code", flat=True))
    assert set(tickets.values_list("channel", flat=True)) == set(Channel.values)
    assert set(tickets.values_list("priority", flat=True)) == set(Priority.values)


def test_conversations_have_customer_messages_agent_replies_and_internal_notes(demo_output) -> None:
    kinds = set(Message.objects.values_list("kind", "author_kind"))
    assert {(MessageKind.REPLY, "customer"), (MessageKind.REPLY, "agent"), (MessageKind.NOTE, "agent")} <= kinds
    events = set(TicketEvent.objects.values_list("kind", flat=True))
    assert {EventKind.CREATED, EventKind.CLAIMED, EventKind.TRANSFERRED, EventKind.RESOLVED, EventKind.RATED} <= events


def test_ratings_go_to_the_agent_who_wrote_the_rated_reply(demo_output) -> None:
    ratings = Rating.objects.select_related("agent", "message")
    assert ratings.exists()
    for rating in ratings:
        assert rating.agent is not None
        assert rating.message.author_user_id == rating.agent.user_id


def test_partner_tickets_stay_in_the_partner_line_unless_transferred(demo_output) -> None:
    partner_tickets = Ticket.objects.filter(company__partner__own_first_line=True).select_related("line")
    in_own_line = [t for t in partner_tickets if t.line.partner_id == t.company.partner_id]
    assert in_own_line
    transferred = set(TicketEvent.objects.filter(kind=EventKind.TRANSFERRED).values_list("ticket_id", flat=True))
    assert all(t.pk in transferred for t in partner_tickets if t not in in_own_line)


def test_the_history_spreads_over_past_weeks_and_never_reaches_the_future(demo_output) -> None:
    now = clock.now()
    first = Ticket.objects.order_by("created_at").first()
    assert first.created_at < now - dt.timedelta(days=5)
    assert not Message.objects.filter(created_at__gt=now).exists()
    assert not TicketEvent.objects.filter(created_at__gt=now).exists()


def test_the_search_index_is_filled(demo_output) -> None:
    ticket = Ticket.objects.order_by("number").first()
    word = max(ticket.subject.split(), key=len)
    assert ticket in tickets_matching(Ticket.objects.all(), word, include_internal=False)


def test_if_empty_does_nothing_on_a_second_run(demo_output) -> None:
    counts = (Ticket.objects.count(), Message.objects.count())
    output = run_demo(if_empty=True)
    assert (Ticket.objects.count(), Message.objects.count()) == counts
    assert "already has tickets" in output


def test_the_same_seed_tells_the_same_stories(demo_output) -> None:
    run_demo()  # a second run without --if-empty reuses the organisation and adds tickets
    subjects = list(Ticket.objects.order_by("number").values_list("subject", flat=True))
    assert subjects[:TICKETS] == subjects[TICKETS:]


def test_the_demo_switches_the_automation_on_and_sets_up_the_channels(demo_output, client) -> None:
    from otvet.automation.models import Rule
    from otvet.connectors.models import ChatWidget, TelegramBot

    assert Rule.objects.filter(is_active=True, preset__gt="").count() >= 13
    bot = TelegramBot.objects.get()
    assert (bot.token, bot.webhook_secret) == ("demo-token", "demo-secret")
    widget = ChatWidget.objects.get()
    assert client.get(f"/chat/{widget.key}/preview/").status_code == 200
