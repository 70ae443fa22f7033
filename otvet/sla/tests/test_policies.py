"""Policy matching: the most specific active policy for the ticket's plan and priority wins."""

from __future__ import annotations

import pytest

from otvet.customers.models import Plan
from otvet.sla.models import SlaPolicy
from otvet.sla.policies import policies_active, policy_for_ticket, policy_match
from otvet.testing.fixtures import World
from otvet.tickets.choices import Priority


def make(name: str, plan: Plan | None, priority: int | None, active: bool = True) -> SlaPolicy:
    return SlaPolicy(name=name, plan=plan, priority=priority, first_response_minutes=60, is_active=active)


def name_of(policy: SlaPolicy | None) -> str | None:
    return policy.name if policy is not None else None


@pytest.fixture
def plans(db: None) -> dict[str, Plan]:
    return {plan.code: plan for plan in Plan.objects.all()}


def test_the_most_specific_policy_wins(plans: dict[str, Plan]) -> None:
    premium, basic = plans["premium"], plans["basic"]
    policies = [
        make("any", None, None),
        make("any urgent", None, Priority.URGENT),
        make("premium", premium, None),
        make("premium urgent", premium, Priority.URGENT),
    ]
    assert name_of(policy_match(premium.pk, Priority.URGENT, policies)) == "premium urgent"
    assert name_of(policy_match(premium.pk, Priority.LOW, policies)) == "premium"
    assert name_of(policy_match(basic.pk, Priority.URGENT, policies)) == "any urgent"
    assert name_of(policy_match(basic.pk, Priority.LOW, policies)) == "any"
    assert name_of(policy_match(None, Priority.URGENT, policies)) == "any urgent"


def test_a_ticket_without_a_company_takes_only_plan_less_policies(plans: dict[str, Plan]) -> None:
    policies = [make("premium", plans["premium"], None), make("premium urgent", plans["premium"], Priority.URGENT)]
    assert policy_match(None, Priority.URGENT, policies) is None
    assert policy_match(None, Priority.NORMAL, [*policies, make("any", None, None)]).name == "any"


def test_inactive_policies_are_passed_over(plans: dict[str, Plan]) -> None:
    policies = [make("premium off", plans["premium"], None, active=False), make("any", None, None)]
    assert name_of(policy_match(plans["premium"].pk, Priority.NORMAL, policies)) == "any"


def test_the_seeded_policies_cover_every_plan_with_tighter_urgent_targets(plans: dict[str, Plan]) -> None:
    seeded = policies_active()
    for plan in [*plans.values(), None]:
        plan_id = plan.pk if plan is not None else None
        normal = policy_match(plan_id, Priority.NORMAL, seeded)
        urgent = policy_match(plan_id, Priority.URGENT, seeded)
        assert normal is not None and urgent is not None and normal != urgent
        assert normal.business_time and urgent.business_time
        for target in ("first_response", "next_response", "resolution"):
            assert (urgent.minutes_for(target) or 0) < (normal.minutes_for(target) or 0)
    premium = policy_match(plans["premium"].pk, Priority.NORMAL, seeded)
    basic = policy_match(plans["basic"].pk, Priority.NORMAL, seeded)
    assert premium is not None and basic is not None
    assert (premium.first_response_minutes, basic.first_response_minutes) == (30, 240)


def test_a_ticket_falls_under_its_company_plan(world: World) -> None:
    assert name_of(policy_for_ticket(world.ticket_customer)) == "Премиум"
