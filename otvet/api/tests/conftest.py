"""API clients for every role of the permission matrix, each with its own bearer token."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from otvet.accounts.services import api_token_create
from otvet.testing.fixtures import ROLES, World

API = "/api/v1"


class ApiClient:
    """A test client that speaks JSON with a bearer token and answers (status, parsed body)."""

    def __init__(self, token: str | None) -> None:
        # English messages: the tests read them; test_errors checks that Russian clients get Russian ones.
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = Client(headers={**headers, "Accept-Language": "en"})

    def request(self, method: str, path: str, data: Any = None, **extra: Any) -> tuple[int, Any]:
        url = path if path.startswith(API) else f"{API}{path}"
        if method == "get":
            response = self.client.get(url, data or {}, **extra)
        elif extra.pop("multipart", False):
            response = getattr(self.client, method)(url, data or {}, **extra)
        else:
            body = json.dumps(data) if data is not None else ""
            response = getattr(self.client, method)(url, body, content_type="application/json", **extra)
        if response.streaming:
            return response.status_code, b"".join(response.streaming_content)
        is_json = response.get("Content-Type", "").startswith("application/json")
        return response.status_code, json.loads(response.content) if is_json else response.content

    def get(self, path: str, params: dict | None = None) -> tuple[int, Any]:
        return self.request("get", path, params)

    def post(self, path: str, data: Any = None, **extra: Any) -> tuple[int, Any]:
        return self.request("post", path, data, **extra)

    def patch(self, path: str, data: Any = None) -> tuple[int, Any]:
        return self.request("patch", path, data)


@pytest.fixture
def tokens(world: World) -> dict[str, str]:
    return {role: api_token_create(user=world.users[role], name="tests")[1] for role in ROLES}


@pytest.fixture
def api(tokens: dict[str, str]) -> Callable[[str], ApiClient]:
    """`api("agent").get("/tickets")` -> (status, body)."""
    clients: dict[str, ApiClient] = {}

    def client(role: str) -> ApiClient:
        if role not in clients:
            clients[role] = ApiClient(tokens.get(role))
        return clients[role]

    return client


@pytest.fixture
def anonymous() -> ApiClient:
    return ApiClient(None)
