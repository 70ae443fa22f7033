"""The organisation bench tickets belong to: companies, contacts, agents and the two API users.

Created once and found again on later runs; every bench row is recognisable (external id `bench-…`, addresses
under bench.example) so that the bench never mistakes the demo's or production's rows for its own.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from otvet.accounts.models import Agent, User
from otvet.customers.models import Company, Contact, Partner, Plan
from otvet.tickets.models import Category, Line, Status, Ticket

PREFIX = "bench-"
DOMAIN = "bench.example"
COMPANIES = 200
CONTACTS = 5000
AGENTS = 30
PARTNER_SHARE = 0.1  # companies served by the bench partner, which has its own first line
PLAN_MIX = (("basic", 60), ("comfort", 30), ("premium", 10))
AGENT_EMAIL = f"agent@{DOMAIN}"
CUSTOMER_EMAIL = f"customer@{DOMAIN}"


@dataclass
class World:
    """Ids the generator draws from."""

    companies: list[tuple[int, bool, str]]  # (id, served by the partner, site)
    contacts: list[tuple[int, int]]  # (contact id, company id)
    agents: list[tuple[int, int]]  # (agent id, user id) of platform agents
    partner_agents: list[tuple[int, int]]
    lines: dict[str, int]
    statuses: dict[str, Status]
    categories: list[int]
    agent_user: User  # a platform agent on the first and second lines: lists, search, detail
    customer_user: User  # a contact of a bench company: creates tickets


def bench_tickets() -> int:
    """How many bench tickets the database holds."""
    return Ticket.objects.filter(company__external_id__startswith=PREFIX).count()


@transaction.atomic
def bench_world(seed: int = 1) -> World:
    """Find or create the bench organisation."""
    rng = random.Random(seed)
    partner, _ = Partner.objects.get_or_create(name="Bench partner", defaults={"own_first_line": True})
    Line.objects.get_or_create(
        code=f"{PREFIX}partner",
        defaults={"name_ru": "Bench: линия партнёра", "name_en": "Bench partner line", "partner": partner},
    )
    lines = dict(Line.objects.values_list("code", "pk"))
    _companies(rng, partner)
    companies = [
        (pk, partner_id is not None, f"shop{pk}.{DOMAIN}")
        for pk, partner_id in Company.objects.filter(external_id__startswith=PREFIX).values_list("pk", "partner_id")
    ]
    _contacts(rng, [pk for pk, _, _ in companies])
    contacts = list(
        Contact.objects.filter(email__endswith=f"@{DOMAIN}", company__isnull=False).values_list("pk", "company_id")
    )
    agents, partner_agents = _agents(partner, lines)
    customer_user = _user(CUSTOMER_EMAIL, "Bench customer")
    if not Contact.objects.filter(user=customer_user).exists():
        Contact.objects.create(
            name="Bench customer", email=CUSTOMER_EMAIL, user=customer_user, company_id=companies[0][0]
        )
    return World(
        companies=companies,
        contacts=contacts,
        agents=agents,
        partner_agents=partner_agents,
        lines=lines,
        statuses={status.code: status for status in Status.objects.all()},
        categories=list(Category.objects.filter(parent__isnull=False).values_list("pk", flat=True)),
        agent_user=User.objects.get(email=AGENT_EMAIL),
        customer_user=customer_user,
    )


def _user(email: str, name: str) -> User:
    user, _ = User.objects.get_or_create(email=email, defaults={"name": name, "password": make_password(None)})
    return user


def _companies(rng: random.Random, partner: Partner) -> None:
    have = Company.objects.filter(external_id__startswith=PREFIX).count()
    plans = {plan.code: plan for plan in Plan.objects.all()}
    codes, weights = zip(*PLAN_MIX, strict=True)
    Company.objects.bulk_create(
        Company(
            name=f"Bench company {n:03d}",
            external_id=f"{PREFIX}{n:03d}",
            plan=plans[rng.choices(codes, weights)[0]],
            partner=partner if rng.random() < PARTNER_SHARE else None,
            email_domains=[f"shop{n}.{DOMAIN}"],
        )
        for n in range(have, COMPANIES)
    )


def _contacts(rng: random.Random, companies: list[int]) -> None:
    have = Contact.objects.filter(email__endswith=f"@{DOMAIN}", company__isnull=False).count()
    # A few big companies write most tickets (Zipf-like), as on a real platform.
    weights = [1 / (rank + 1) for rank in range(len(companies))]
    Contact.objects.bulk_create(
        Contact(name=f"Bench contact {n}", email=f"contact{n}@{DOMAIN}", company_id=rng.choices(companies, weights)[0])
        for n in range(have, CONTACTS)
    )


def _agents(partner: Partner, lines: dict[str, int]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    platform = [code for code in ("first", "second", "marketing", "vendor", "incidents") if code in lines]
    for n in range(AGENTS):
        email = AGENT_EMAIL if n == 0 else f"agent{n}@{DOMAIN}"
        is_partner = n >= AGENTS - 3
        agent, created = Agent.objects.get_or_create(
            user=_user(email, f"Bench agent {n}"), defaults={"partner": partner if is_partner else None}
        )
        if created:
            codes = (
                [f"{PREFIX}partner"]
                if is_partner
                else (["first", "second"] if n == 0 else [platform[n % len(platform)]])
            )
            agent.lines.add(*(lines[code] for code in codes))
    found = Agent.objects.filter(user__email__endswith=f"@{DOMAIN}")
    return (
        list(found.filter(partner__isnull=True).values_list("pk", "user_id")),
        list(found.filter(partner__isnull=False).values_list("pk", "user_id")),
    )
