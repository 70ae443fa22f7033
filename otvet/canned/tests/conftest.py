"""Canned response test helpers: responses made through the service, signed-in clients with an isolated cache."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from otvet.canned.models import CannedResponse
from otvet.canned.services import canned_create
from otvet.testing.fixtures import World


@pytest.fixture(autouse=True)
def _own_cache(settings) -> None:
    """The sidebar caches queue counts; each test starts with an empty local cache."""
    settings.CACHES = {
        name: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"canned-{name}-{uuid.uuid4()}"}
        for name in ("default", "local")
    }


@pytest.fixture
def canned(world: World) -> Callable[..., CannedResponse]:
    """`canned("agent", shortcut="x", shared=False, ...)`: a response created by that role of the World."""

    def make(role: str, shortcut: str, **data: Any) -> CannedResponse:
        values = {"title": f"Ответ {shortcut}", "body": f"Текст {shortcut}", "shortcut": shortcut, **data}
        return canned_create(actor=world.actor(role), data=values)

    return make


@pytest.fixture
def login(client: Client, world: World) -> Callable[[str], Client]:
    def sign_in(role: str) -> Client:
        client.force_login(world.users[role])
        return client

    return sign_in
