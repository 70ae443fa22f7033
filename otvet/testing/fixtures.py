"""The people of the permission matrix (DESIGN.md §5) and their tickets, as pytest fixtures."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from otvet.accounts.choices import Role
from otvet.accounts.factories import AgentFactory, UserFactory
from otvet.accounts.models import Agent, User
from otvet.customers.factories import CompanyFactory, ContactFactory, PartnerFactory
from otvet.customers.models import Contact, Plan
from otvet.tickets.access import Actor, actor_for_user
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import Line, Ticket

ROLES = (
    "customer",
    "company_admin",
    "other_customer",
    "partner_customer",
    "partner_agent",
    "agent",
    "supervisor",
    "admin",
)

TICKETS = ("ticket_customer", "ticket_colleague", "ticket_other", "ticket_partner")
# The expected answer of DESIGN.md §5 for the World below: role -> the tickets it sees. Every matrix test reads it.
VISIBLE = {
    "customer": {"ticket_customer"},
    "company_admin": {"ticket_customer", "ticket_colleague"},
    "other_customer": {"ticket_other"},
    "partner_customer": {"ticket_partner"},
    "partner_agent": {"ticket_partner"},
    "agent": {"ticket_customer", "ticket_colleague", "ticket_other"},
    "supervisor": set(TICKETS),
    "admin": set(TICKETS),
}


@dataclass
class World:
    """Two platform companies, one company of a partner with its own first line, and everyone who works them."""

    users: dict[str, User]
    ticket_customer: Ticket  # opened by `customer` (company A)
    ticket_colleague: Ticket  # opened by a colleague of `customer` in company A
    ticket_other: Ticket  # opened by `other_customer` (company B)
    ticket_partner: Ticket  # opened by `partner_customer`, sitting in the partner's own first line

    def actor(self, role: str) -> Actor:
        return actor_for_user(self.users[role])


@pytest.fixture
def world(db: None) -> World:
    premium = Plan.objects.get(code="premium")
    company_a = CompanyFactory(name="ООО Ромашка", plan=premium)
    company_b = CompanyFactory(name="Beta LLC")
    partner = PartnerFactory(name="Партнёр-Сервис", own_first_line=True)
    company_c = CompanyFactory(name="Клиент партнёра", partner=partner)

    users: dict[str, User] = {}
    for role, company, is_admin in (
        ("customer", company_a, False),
        ("company_admin", company_a, True),
        ("other_customer", company_b, False),
        ("partner_customer", company_c, False),
    ):
        user: User = UserFactory.create(email=f"{role}@example.org")
        ContactFactory(user=user, email=user.email, company=company, is_company_admin=is_admin)
        users[role] = user
    for role, agent_role, agent_partner in (
        ("partner_agent", Role.AGENT, partner),
        ("agent", Role.AGENT, None),
        ("supervisor", Role.SUPERVISOR, None),
        ("admin", Role.ADMIN, None),
    ):
        agent: Agent = AgentFactory.create(
            user=UserFactory(email=f"{role}@example.com"), role=agent_role, partner=agent_partner
        )
        users[role] = agent.user
        if agent_partner is None:
            agent.lines.set(Line.objects.filter(partner__isnull=True))

    colleague: Contact = ContactFactory.create(company=company_a)
    return World(
        users=users,
        ticket_customer=open_ticket(users["customer"].contact, "Не могу войти в личный кабинет"),
        ticket_colleague=open_ticket(colleague, "Счёт за ноябрь"),
        ticket_other=open_ticket(users["other_customer"].contact, "Invoice is missing"),
        ticket_partner=open_ticket(users["partner_customer"].contact, "Заказ не оформляется"),
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Argon2 is deliberately slow; tests hash thousands of passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_cache(settings) -> None:
    """Each test gets its own cache namespace: rate limits and cached counts never leak between tests or workers."""
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {name: {**config, "KEY_PREFIX": prefix} for name, config in settings.CACHES.items()}


@pytest.fixture(autouse=True)
def _default_language(settings) -> None:
    """Each test starts in the installation's language: a request in the test client activates the user's saved
    language in the test's own thread, which would otherwise carry over to the next test."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


# The reference data the migrations load, as pytest-django serialized it when it created the test database.
_SERIALIZED: dict[str, str] = {}


@pytest.fixture(scope="session", autouse=True)
def _serialized_contents(django_db_setup: None) -> None:
    """Keep the serialized test database of each alias, read where the database was set up."""
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            _SERIALIZED[alias] = contents


@pytest.fixture(autouse=True)
def _serialized_contents_here() -> None:
    """Give the connection of this test's context the serialized contents (serialized rollback restores from it).

    Django's connections are per context: in the browser session Playwright's event loop runs from the first
    test on, so later tests get connection objects of their own that lack what was serialized at setup, and a
    transactional test after another would start with the reference data (statuses, plans, ...) flushed.
    """
    from django.db import connections

    for alias, contents in _SERIALIZED.items():
        connection: Any = connections[alias]
        if not hasattr(connection, "_test_serialized_contents"):
            connection._test_serialized_contents = contents
