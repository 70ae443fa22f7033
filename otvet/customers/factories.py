"""Test factories for companies, contacts and partners."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from otvet.customers.models import Company, Contact, Partner, Plan


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Партнёр {n}")


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Faker("company", locale="ru_RU")
    plan = factory.LazyFunction(lambda: Plan.objects.get(code="basic"))


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    name = factory.Faker("name", locale="ru_RU")
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    company = factory.SubFactory(CompanyFactory)
