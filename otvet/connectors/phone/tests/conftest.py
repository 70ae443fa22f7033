"""The PBX's payloads, as saved from a generic Asterisk/FreePBX webhook, and a client that posts them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

FIXTURES = Path(__file__).parent / "fixtures"
TOKEN = "pbx-secret-token"


def payload(name: str, **changes: Any) -> dict[str, Any]:
    """A saved payload, with some fields changed."""
    data = json.loads((FIXTURES / f"{name}.json").read_text())
    data.update(changes)
    return data


@pytest.fixture
def pbx(db: None, settings: Any, client: Client, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """`pbx(data)` posts a call with the right token and runs the jobs it queues (HUEY_IMMEDIATE in tests)."""
    settings.PHONE_WEBHOOK_TOKEN = TOKEN

    def post(data: Any, *, token: str = TOKEN, header: str = "bearer") -> Any:
        body = data if isinstance(data, (bytes, str)) else json.dumps(data)
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if header == "bearer" else {"HTTP_X_OTVET_TOKEN": token}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/hooks/phone/", body, content_type="application/json", **auth)

    return post
