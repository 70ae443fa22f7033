"""The demo organisation: categories, the partner and its line, companies, contacts, agents and their lines.

Reference rows that no service writes yet (people, companies, categories) are created with the ORM, each by
get_or_create, so that running `otvet demo` again reuses them and only adds tickets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from otvet.accounts.models import Agent, User
from otvet.connectors.models import Mailbox
from otvet.core import clock
from otvet.customers.choices import IdentityKind
from otvet.customers.models import Company, Contact, ContactIdentity, Partner, Plan, SupportNote
from otvet.demo import people
from otvet.demo.people import CompanySpec, ContactSpec
from otvet.tickets.models import Category, Criticality, Line, RatingMark, Status


@dataclass
class Person:
    """A contact of the demo with what the stories need to know about them."""

    contact: Contact
    spec: ContactSpec
    company: CompanySpec | None
    weight: float

    @property
    def language(self) -> str:
        return self.spec.language

    def reachable_by(self, channel: str) -> bool:
        """Whether this person could have written through `channel`."""
        spec = self.spec
        return {
            "portal": spec.has_login,
            "api": spec.has_login and self.company is not None,
            "email": True,
            "phone": bool(spec.phone),
            "telegram": bool(spec.telegram),
            "vk": bool(spec.vk),
            "viber": bool(spec.viber),
            "webchat": bool(spec.webchat),
        }[channel]


@dataclass
class Cast:
    """Everything a story draws on."""

    agents: dict[str, Agent]
    line_agents: dict[str, list[tuple[Agent, float]]]
    lines: dict[str, Line]
    people: list[Person]
    categories: dict[str, Category]
    statuses: dict[str, Status]
    marks: dict[str, RatingMark]
    criticality: dict[str, Criticality]
    partner: Partner
    logins: list[tuple[str, str]] = field(default_factory=list)


def build_org(since: dt.datetime) -> Cast:
    """Create (or find) the demo organisation as it was at `since`."""
    with clock.travel(since):
        password = make_password(people.DEMO_PASSWORD)  # hashed once: Argon2 is slow by design
        partner, _ = Partner.objects.get_or_create(name=people.PARTNER, defaults={"own_first_line": True})
        code, name_ru, name_en = people.PARTNER_LINE
        Line.objects.get_or_create(
            code=code, defaults={"name_ru": name_ru, "name_en": name_en, "partner": partner, "is_default": True}
        )
        lines = {line.code: line for line in Line.objects.all()}
        Mailbox.objects.get_or_create(
            address=people.MAILBOX,
            defaults={"name": "Поддержка", "from_name": "Поддержка Otvet", "is_default": True, "line": lines["first"]},
        )
        agents, line_agents = _agents(lines, partner, password)
        found = _people(partner, password)
        logins = [(spec.email, spec.demo_login) for spec in people.AGENTS if spec.demo_login]
        logins += [(person.spec.email, person.spec.demo_login) for person in found if person.spec.demo_login]
        return Cast(
            agents=agents,
            line_agents=line_agents,
            lines=lines,
            people=found,
            categories=_categories(),
            statuses={status.code: status for status in Status.objects.all()},
            marks={mark.code: mark for mark in RatingMark.objects.all()},
            criticality={level.code: level for level in Criticality.objects.all()},
            partner=partner,
            logins=logins,
        )


def _user(email: str, name: str, password: str, **extra: object) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"name": name, "password": password, **extra})
    if not created and not user.has_usable_password() and not password.startswith("!"):
        user.password = password
        user.save(update_fields=["password"])
    # Demo people signed up long ago: their addresses are verified, so they can sign in at once.
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _agents(
    lines: dict[str, Line], partner: Partner, password: str
) -> tuple[dict[str, Agent], dict[str, list[tuple[Agent, float]]]]:
    agents: dict[str, Agent] = {}
    line_agents: dict[str, list[tuple[Agent, float]]] = {}
    for spec in people.AGENTS:
        is_admin = spec.role == "admin"
        user = _user(
            spec.email,
            spec.name,
            password if spec.demo_login else make_password(None),  # None: an unusable password
            language="ru",
            is_staff=is_admin,
            is_superuser=is_admin,
        )
        agent, _ = Agent.objects.get_or_create(
            user=user, defaults={"role": spec.role, "partner": partner if spec.partner else None}
        )
        agent.lines.add(*(lines[code] for code in spec.lines))
        agents[spec.email] = agent
        # The demo agent works the most tickets, supervisors and admins the fewest.
        weight = {"agent": 3.0, "supervisor": 0.6, "admin": 0.3}[spec.role]
        weight += 2.0 if spec.demo_login and spec.role == "agent" else 0
        for code in spec.lines:
            line_agents.setdefault(code, []).append((agent, weight))
    return agents, line_agents


def _people(partner: Partner, password: str) -> list[Person]:
    found: list[Person] = []
    plans = {plan.code: plan for plan in Plan.objects.all()}
    for spec in people.COMPANIES:
        company, created = Company.objects.get_or_create(
            name=spec.name,
            defaults={
                "plan": plans[spec.plan],
                "partner": partner if spec.partner else None,
                "external_id": spec.external_id,
                "email_domains": list(spec.domains),
            },
        )
        if created:
            SupportNote.objects.bulk_create(SupportNote(company=company, body=body) for body in spec.notes)
        for contact_spec in spec.contacts:
            contact = _contact(contact_spec, company, password)
            found.append(Person(contact, contact_spec, spec, contact_spec.weight * spec.weight))
    for contact_spec in people.PRIVATE_CONTACTS:
        found.append(Person(_contact(contact_spec, None, password), contact_spec, None, 1.0))
    return found


def _contact(spec: ContactSpec, company: Company | None, password: str) -> Contact:
    user = None
    if spec.has_login:
        # Other contacts with a login signed up on the portal; only the demo logins get a known password.
        user = _user(
            spec.email, spec.name, password if spec.demo_login else make_password(None), language=spec.language
        )
    contact, _ = Contact.objects.get_or_create(
        email=spec.email,
        company=company,
        defaults={
            "name": spec.name,
            "phone": spec.phone,
            "is_company_admin": spec.is_company_admin,
            "user": user,
            "language": spec.language,
        },
    )
    identities = [
        (IdentityKind.EMAIL, spec.email),
        (IdentityKind.PHONE, spec.phone),
        (IdentityKind.TELEGRAM, spec.telegram),
        (IdentityKind.VK, spec.vk),
        (IdentityKind.VIBER, spec.viber),
        (IdentityKind.WEBCHAT, spec.webchat),
    ]
    for kind, value in identities:
        if value:
            ContactIdentity.objects.get_or_create(kind=kind, value=value, defaults={"contact": contact})
    return contact


def _categories() -> dict[str, Category]:
    categories = {}
    for order, (name_ru, name_en, children) in enumerate(people.CATEGORIES):
        parent, _ = Category.objects.get_or_create(
            name_ru=name_ru, parent=None, defaults={"name_en": name_en, "order": order}
        )
        for child_order, (child_ru, child_en, key) in enumerate(children):
            categories[key], _ = Category.objects.get_or_create(
                name_ru=child_ru, parent=parent, defaults={"name_en": child_en, "order": child_order}
            )
    return categories
