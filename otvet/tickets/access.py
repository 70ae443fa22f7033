"""Who sees what (DESIGN.md §5): the one place that scopes tickets, messages and events to a user.

Every adapter (API, portal, workspace, bots) goes through these functions; an object outside the scope is a
NotFound, indistinguishable from one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from otvet.accounts.choices import Role
from otvet.accounts.models import Agent, User
from otvet.core.errors import NotFound
from otvet.customers.models import Company, Contact
from otvet.tickets.choices import AuthorKind, MessageKind
from otvet.tickets.models import Line, Message, Ticket, TicketEvent


@dataclass(frozen=True)
class Actor:
    """Whoever performs an action: an agent, a customer (contact), or the system (a rule, a job)."""

    user: User | None = None
    agent: Agent | None = None
    contact: Contact | None = None
    system_reason: str = ""
    # Set when an automation rule acts: its events carry the rule («by rule …») and run no trigger rules.
    rule_id: int | None = None

    @classmethod
    def system(cls, reason: str) -> Actor:
        return cls(system_reason=reason)

    @classmethod
    def for_rule(cls, rule_id: int, name: str) -> Actor:
        return cls(system_reason=name, rule_id=rule_id)

    @property
    def kind(self) -> AuthorKind:
        if self.agent is not None:
            return AuthorKind.AGENT
        if self.contact is not None:
            return AuthorKind.CUSTOMER
        return AuthorKind.SYSTEM

    @property
    def is_agent(self) -> bool:
        return self.agent is not None

    @property
    def is_supervisor(self) -> bool:
        return self.agent is not None and self.agent.is_supervisor

    @property
    def is_system(self) -> bool:
        return bool(self.system_reason) and self.agent is None and self.contact is None

    @property
    def sees_internal(self) -> bool:
        """Internal notes and events are for agents and the system only."""
        return self.is_agent or self.is_system


def actor_for_user(user: User) -> Actor:
    """The actor behind a signed-in user; an active agent profile wins over a contact link."""
    if not user.is_authenticated or not user.is_active:
        return Actor()
    if User.agent.is_cached(user) and User.contact.is_cached(user):  # loaded with the user (bearer tokens)
        agent, contact = _cached(user, "agent"), _cached(user, "contact")
        if agent is not None and agent.is_active:
            return Actor(user=user, agent=agent)
        return Actor(user=user, contact=contact)
    agent = Agent.objects.select_related("partner").filter(user=user, is_active=True).first()
    if agent is not None:
        return Actor(user=user, agent=agent)
    contact = Contact.objects.select_related("company").filter(user=user).first()
    return Actor(user=user, contact=contact)


def _cached(user: User, name: str) -> Any:
    try:
        return getattr(user, name)
    except ObjectDoesNotExist:  # cached as missing
        return None


def ticket_scope(actor: Actor) -> Q | None:
    """The condition on Ticket rows that `actor` may see; None means every ticket."""
    if actor.agent is not None:
        if actor.agent.partner_id is not None:
            return Q(company__partner_id=actor.agent.partner_id)
        if actor.agent.is_supervisor:
            return None
        # Platform agents: everything except tickets sitting in a partner's own line (not transferred). A subquery
        # on line ids rather than a join keeps the ticket query's join count low and its line index usable.
        return Q(line_id__in=Line.objects.filter(partner__isnull=True).values("pk"))
    contact = actor.contact
    if contact is None:
        # The system sees everything; a user who is neither agent nor contact sees nothing.
        return None if actor.is_system else Q(pk__in=[])
    if contact.is_company_admin and contact.company_id is not None:
        return Q(company_id=contact.company_id) | Q(requester_id=contact.pk)
    return Q(requester_id=contact.pk)


def tickets_visible_to(actor: Actor) -> QuerySet[Ticket]:
    """Every ticket `actor` may see."""
    scope = ticket_scope(actor)
    tickets = Ticket.objects.all()
    return tickets if scope is None else tickets.filter(scope)


def ticket_get_for_user(actor: Actor, number: int, *, for_update: bool = False) -> Ticket:
    """The ticket with this number if `actor` may see it, else NotFound."""
    tickets = tickets_visible_to(actor).select_related(
        "status",
        "line",
        "requester",
        "company__plan",
        "company__partner",
        "assignee__user",
        "criticality",
        "category",
    )
    if for_update:
        tickets = tickets.select_for_update(of=("self",))
    ticket = tickets.filter(pk=number).first()
    if ticket is None:
        raise NotFound(_("Ticket not found."))
    return ticket


def messages_visible_to(actor: Actor, ticket: Ticket) -> QuerySet[Message]:
    """The messages of a ticket that `actor` may read: customers never get internal notes."""
    messages = Message.objects.filter(ticket=ticket)
    if not actor.sees_internal:
        messages = messages.filter(kind__in=(MessageKind.REPLY,))
    return messages


def events_visible_to(actor: Actor, ticket: Ticket) -> QuerySet[TicketEvent]:
    """The timeline of a ticket: agents only."""
    if not actor.sees_internal:
        return TicketEvent.objects.none()
    return TicketEvent.objects.filter(ticket=ticket)


def agents_who_may_see(ticket: Ticket) -> QuerySet[Agent]:
    """The active agents who have `ticket` in scope: ticket_scope read the other way round (tested as such)."""
    platform = Q(partner__isnull=True)
    if ticket.line.partner_id is not None:
        platform &= Q(role__in=(Role.SUPERVISOR, Role.ADMIN))
    partner_id = ticket.company.partner_id if ticket.company is not None else None
    partner = Q(partner_id=partner_id) if partner_id is not None else Q(pk__in=[])
    return Agent.objects.filter(platform | partner, is_active=True)


def agent_may_see(agent: Agent, ticket: Ticket) -> bool:
    """Whether `agent` (e.g. a proposed assignee) has `ticket` in scope."""
    return agents_who_may_see(ticket).filter(pk=agent.pk).exists()


def companies_visible_to(actor: Actor) -> QuerySet[Company]:
    """Customers see their own company, partner agents their partner's companies, platform staff all of them."""
    if actor.agent is not None:
        if actor.agent.partner_id is not None:
            return Company.objects.filter(partner_id=actor.agent.partner_id)
        return Company.objects.all()
    if actor.contact is not None:
        company_id = actor.contact.company_id
        return Company.objects.filter(pk=company_id) if company_id is not None else Company.objects.none()
    return Company.objects.all() if actor.is_system else Company.objects.none()


def contacts_visible_to(actor: Actor) -> QuerySet[Contact]:
    """Contacts are for staff: partner agents see their partner's companies' contacts, platform staff all."""
    if actor.agent is not None:
        if actor.agent.partner_id is not None:
            return Contact.objects.filter(company__partner_id=actor.agent.partner_id)
        return Contact.objects.all()
    return Contact.objects.all() if actor.is_system else Contact.objects.none()


def lines_visible_to(actor: Actor) -> QuerySet[Line]:
    """Lines are for staff: platform lines plus the agent's own partner's; supervisors of the platform see all."""
    if actor.agent is not None:
        if actor.agent.partner_id is not None:
            return Line.objects.filter(Q(partner__isnull=True) | Q(partner_id=actor.agent.partner_id))
        return Line.objects.all() if actor.agent.is_supervisor else Line.objects.filter(partner__isnull=True)
    return Line.objects.all() if actor.is_system else Line.objects.none()
