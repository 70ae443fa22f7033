"""Live tests: a fresh channel layer per test, signed-in socket headers, and an ASGI server for the browser."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import uvicorn
from channels.routing import ProtocolTypeRouter
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.test import Client

from otvet.accounts.models import User

ORIGIN = b"http://testserver"


@pytest.fixture(autouse=True)
def _own_layer(settings) -> None:
    """A layer of its own per test (setting CHANNEL_LAYERS drops channels' cached one); Redis gets a fresh prefix."""
    layers = {
        name: {**config, "CONFIG": dict(config.get("CONFIG", {}))} for name, config in settings.CHANNEL_LAYERS.items()
    }
    if "redis" in layers["default"]["BACKEND"].lower():
        layers["default"]["CONFIG"]["prefix"] = f"test-{uuid.uuid4().hex}"
    settings.CHANNEL_LAYERS = layers


@pytest.fixture
def socket_headers() -> Callable[[User], list[tuple[bytes, bytes]]]:
    """`socket_headers(user)`: the Origin and session cookie a signed-in browser sends with its WebSocket."""

    def headers(user: User) -> list[tuple[bytes, bytes]]:
        client = Client()
        client.force_login(user)
        return [(b"origin", ORIGIN), (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())]

    return headers


@dataclass
class AsgiServer:
    url: str


@pytest.fixture
def asgi_live_server(django_db_serialized_rollback: None, transactional_db: None) -> Iterator[AsgiServer]:
    """Uvicorn in a thread serving the real ASGI application (HTTP and WebSockets) plus static files.

    Django's live_server speaks WSGI only, so it cannot carry a WebSocket; this one runs the same routing as
    `otvet serve` in this process, so the in-memory channel layer and the test database are shared with the test.
    Transactional, with the reference data of the migrations restored for the next test (serialized rollback).
    """
    from otvet.config import asgi

    app = ProtocolTypeRouter(
        {
            "http": ASGIStaticFilesHandler(asgi.http_application),
            "websocket": asgi.application.application_mapping["websocket"],
        }
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"))
    thread = threading.Thread(target=server.run, name="asgi-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the ASGI test server did not start")
        time.sleep(0.05)
    yield AsgiServer(url=f"http://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(timeout=10)
