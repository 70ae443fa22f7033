"""Web chat tests share the live app's fixtures: a fresh channel layer per test, the ASGI server for the browser."""

from __future__ import annotations

import pytest

from otvet.connectors.models import ChatWidget
from otvet.live.tests.conftest import _own_layer, asgi_live_server, socket_headers  # noqa: F401  (fixtures)

FRAME_HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]  # what our chat frame's socket sends


@pytest.fixture
def widget(world) -> ChatWidget:
    """A live widget on a customer's site, answered by the world's agents."""
    return ChatWidget.objects.create(name="Сайт магазина", allowed_origins=["http://shop.example"])
