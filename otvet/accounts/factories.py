"""Test factories for users and agents."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from otvet.accounts.choices import Role
from otvet.accounts.models import Agent, User


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name", locale="ru_RU")
    password = factory.django.Password("demo")


class AgentFactory(DjangoModelFactory):
    class Meta:
        model = Agent

    user = factory.SubFactory(UserFactory)
    role = Role.AGENT
