"""Workspace test helpers: an isolated cache per test (queue counts are cached) and signed-in clients."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def _own_cache(settings) -> None:
    """Counts are cached for 15 s; each test gets an empty local cache, whatever REDIS_URL says."""
    settings.CACHES = {
        name: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"desk-{name}-{uuid.uuid4()}"}
        for name in ("default", "local")
    }


@pytest.fixture
def login(client: Client, world) -> Callable[[str], Client]:
    """`login("agent")` signs the test client in as that role of the World (optionally in another language)."""

    def sign_in(role: str, language: str = "") -> Client:
        user = world.users[role]
        if language:
            user.language = language
            user.save(update_fields=["language"])
        client.force_login(user)
        return client

    return sign_in


HTMX = {"HTTP_HX_REQUEST": "true"}
