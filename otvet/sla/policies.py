"""Which SLA policy applies to a ticket: the most specific active one for its company's plan and its priority."""

from __future__ import annotations

from collections.abc import Iterable

from otvet.sla.models import SlaPolicy
from otvet.tickets.models import Ticket


def policies_active() -> list[SlaPolicy]:
    """Every active policy; a handful of rows, read once per batch of events."""
    return list(SlaPolicy.objects.filter(is_active=True))


def policy_match(plan_id: int | None, priority: int, policies: Iterable[SlaPolicy]) -> SlaPolicy | None:
    """The most specific policy: plan and priority, then plan and any priority, then any plan and the priority,
    then any plan and any priority. A ticket without a company has no plan and matches plan-less policies only."""
    candidates = {(policy.plan_id, policy.priority): policy for policy in policies if policy.is_active}
    for key in ((plan_id, priority), (plan_id, None), (None, priority), (None, None)):
        found = candidates.get(key)
        if found is not None:
            return found
    return None


def ticket_plan_id(ticket: Ticket) -> int | None:
    """The plan of the ticket's company (the company is loaded with the ticket by callers)."""
    return ticket.company.plan_id if ticket.company is not None else None


def policy_for_ticket(ticket: Ticket, policies: Iterable[SlaPolicy] | None = None) -> SlaPolicy | None:
    """The policy `ticket` falls under now."""
    return policy_match(ticket_plan_id(ticket), ticket.priority, policies_active() if policies is None else policies)
