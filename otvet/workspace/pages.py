"""What the workspace's pages show besides the service call: the sidebar and the ticket page, in fixed queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from otvet.accounts.models import Agent
from otvet.customers.models import Contact, ContactIdentity, SupportNote
from otvet.tickets.access import (
    Actor,
    agents_who_may_see,
    companies_visible_to,
    contacts_visible_to,
    events_visible_to,
    lines_visible_to,
    messages_visible_to,
    tickets_visible_to,
)
from otvet.tickets.choices import Channel, Priority
from otvet.tickets.models import Category, Criticality, Line, SavedView, Status, Ticket
from otvet.workspace.forms import ComposeForm, ListParams, SupportNoteForm, TransferForm
from otvet.workspace.mail import message_mail_prefetches
from otvet.workspace.queues import Queues, queue_counts, queues_for
from otvet.workspace.timeline import Names, agent_ids, timeline

TIMELINE_LIMIT = 50
CONTACTS_LIMIT = 8
OTHER_TICKETS_LIMIT = 5
SUPPORT_NOTES_LIMIT = 10


def nav_context(actor: Actor, queues: Queues | None = None) -> dict[str, Any]:
    """The sidebar's queues and their counts: one query for the lines, none for the counts while they are fresh."""
    queues = queues or queues_for(actor)
    counts = queue_counts(actor, queues)
    return {
        "nav_main": [(queue, counts.get(queue.key)) for queue in queues.main],
        "nav_partner": [(queue, counts.get(queue.key)) for queue in queues.partner],
    }


def sidebar_context(actor: Actor, queues: Queues | None = None) -> dict[str, Any]:
    """The whole navigation: the queues with their counts, the agent's saved views, the user menu."""
    return {
        **nav_context(actor, queues),
        "me": actor.agent,
        "saved_views": list(SavedView.objects.filter(owner=actor.user)),
    }


def list_context(actor: Actor, queues: Queues, params: ListParams) -> dict[str, Any]:
    """The filter bar's choices: statuses, criticality levels, categories, lines and agents; five queries."""
    assert actor.agent is not None
    company_id = params.wanted.company
    return {
        "statuses": list(Status.objects.filter(is_active=True)),
        "criticalities": list(Criticality.objects.all()),
        "categories": category_paths(),
        "lines": [line for line in queues.lines if line.is_active],
        "agents": list(
            Agent.objects.filter(Q(is_active=True) & _same_organisation(actor.agent))
            .select_related("user")
            .order_by("user__name", "pk")
        ),
        "channels": Channel.choices,
        "priorities": Priority.choices,
        "company": companies_visible_to(actor).filter(pk=company_id).first() if company_id is not None else None,
    }


def _same_organisation(agent: Agent) -> Q:
    """The agent's colleagues: the same partner, or the platform's own staff."""
    return Q(partner_id=agent.partner_id) if agent.partner_id is not None else Q(partner__isnull=True)


def category_paths() -> list[tuple[int, str]]:
    """Active categories as (id, "Parent / Child") in one query, whatever the depth of the tree."""
    categories = {c.pk: c for c in Category.objects.all()}

    def path(category: Category) -> str:
        parent = categories.get(category.parent_id) if category.parent_id else None
        return f"{path(parent)} / {category.name}" if parent else category.name

    paths = [(c.pk, path(c), c.order) for c in categories.values() if c.is_active]
    return [(pk, name) for pk, name, _ in sorted(paths, key=lambda row: (row[1].lower(), row[2]))]


def agent_choices(ticket: Ticket, mentioned: set[int]) -> tuple[list[Agent], dict[int, str]]:
    """Agents who may work the ticket, and the names of every agent the timeline mentions; two queries."""
    assignable = list(agents_who_may_see(ticket).select_related("user").order_by("user__name", "pk"))
    others = Agent.objects.filter(pk__in=mentioned - {agent.pk for agent in assignable}).select_related("user")
    names = {agent.pk: agent.user.name or agent.user.email for agent in [*assignable, *others]}
    return assignable, names


def customer_context(actor: Actor, ticket: Ticket) -> dict[str, Any]:
    """The requester and company card: contacts, identities, the company's other tickets, support notes."""
    company = ticket.company
    contacts = contacts_visible_to(actor).filter(company=company) if company else Contact.objects.none()
    others = tickets_visible_to(actor).filter(company=company) if company else ticket.requester.tickets.all()
    notes = SupportNote.objects.filter(Q(contact=ticket.requester) | (Q(company=company) if company else Q()))
    return {
        "identities": list(ContactIdentity.objects.filter(contact=ticket.requester).order_by("kind", "value")),
        "contacts": list(contacts.order_by("name", "pk")[:CONTACTS_LIMIT]),
        "other_tickets": list(
            others.exclude(pk=ticket.pk)
            .select_related("status")
            .order_by("-updated_at", "-number")[:OTHER_TICKETS_LIMIT]
        ),
        "support_notes": list(notes.select_related("author").order_by("-created_at", "-pk")[:SUPPORT_NOTES_LIMIT]),
    }


def ticket_context(actor: Actor, ticket: Ticket, **extra: Any) -> dict[str, Any]:
    """Everything the ticket page and its partials show; the same number of queries for any ticket size."""
    statuses = list(Status.objects.all())
    lines = list(Line.objects.all())
    criticalities = list(Criticality.objects.all())
    categories = category_paths()
    events = list(
        events_visible_to(actor, ticket).select_related("actor", "rule").order_by("-created_at", "-id")[:TIMELINE_LIMIT]
    )
    agents, agent_names = agent_choices(ticket, agent_ids(events))
    names = Names(
        statuses={s.code: s.name for s in statuses},
        lines={line.code: line.name for line in lines},
        criticalities={c.code: c.name for c in criticalities},
        categories=dict(categories),
        agents=agent_names,
    )
    company_partner = ticket.company.partner_id if ticket.company is not None else None
    transfer_lines = [
        line
        for line in lines_visible_to(actor).filter(is_active=True).order_by("order", "pk")
        if line.pk != ticket.line_id and line.partner_id in (None, company_partner)
    ]
    context = {
        "ticket": ticket,
        "priority": Priority(ticket.priority),
        "conversation": messages_visible_to(actor, ticket)
        .select_related("author_user", "author_contact")
        .prefetch_related("attachments", *message_mail_prefetches(actor))
        .order_by("created_at", "id"),
        "timeline": timeline(events, names),
        "statuses": [s for s in statuses if s.is_active],
        "priorities": Priority.choices,
        "criticalities": criticalities,
        "categories": categories,
        "agents": agents,
        "transfer_lines": transfer_lines,
        "is_mine": ticket.assignee_id == actor.agent.pk if actor.agent else False,
        "is_supervisor": actor.is_supervisor,
        "compose_form": ComposeForm(),
        "transfer_form": TransferForm(),
        "note_form": SupportNoteForm(),
        "kept": [],
        "upload_error": "",
        **customer_context(actor, ticket),
    }
    context.update(extra)
    return context
