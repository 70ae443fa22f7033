"""A local server that speaks the Viber REST API at VIBER_API_URL and serves media URLs, a bot, the fixtures."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from otvet.connectors.models import ViberBot
from otvet.connectors.viber.api import signature
from otvet.testing.apiserver import QuietHandler, serving

FIXTURES = Path(__file__).parent / "fixtures"
TOKEN = "4453b6ac12345678-e02c5f12174805f9-daec9cbb5448c51r"
USER = "01234567890A="


@dataclass
class Call:
    """One request the bot made: the endpoint, its auth header and JSON body."""

    endpoint: str
    auth: str
    body: dict[str, Any]


@dataclass
class ViberApiServer:
    """Answers endpoints at /pa/<name> (scripted answers, else status 0 with a new token), serves media files."""

    url: str = ""
    calls: list[Call] = field(default_factory=list)
    scripted: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # path (without the query) -> bytes
    next_token: int = 5491234567890200000

    def script(self, endpoint: str, status: int, body: dict[str, Any]) -> None:
        self.scripted.setdefault(endpoint, []).append((status, body))

    def called(self, endpoint: str) -> list[Call]:
        return [call for call in self.calls if call.endpoint == endpoint]

    def answer(self, call: Call) -> tuple[int, dict[str, Any]]:
        if call.auth != TOKEN:
            return 200, {"status": 2, "status_message": "invalidAuthToken"}
        if self.scripted.get(call.endpoint):
            return self.scripted[call.endpoint].pop(0)
        self.next_token += 1
        return 200, {"status": 0, "status_message": "ok", "message_token": self.next_token, "chat_hostname": "SN-2_"}


def _handler(server: ViberApiServer) -> type[BaseHTTPRequestHandler]:
    class Handler(QuietHandler):
        def do_GET(self) -> None:
            content = server.files.get(urlsplit(self.path).path)
            self.reply_file(content)

        def do_POST(self) -> None:
            body = self.body()
            call = Call(self.path.removeprefix("/pa/"), self.headers.get("X-Viber-Auth-Token", ""), json.loads(body))
            server.calls.append(call)
            status, answer = server.answer(call)
            self.reply_json(status, answer)

    return Handler


@pytest.fixture
def viber_api(settings: Any) -> Iterator[ViberApiServer]:
    """The Viber API on 127.0.0.1 at a free port: VIBER_API_URL is <server>/pa; Viber is enabled."""
    api = ViberApiServer()
    with serving(_handler(api)) as url:
        api.url = url
        settings.VIBER_API_URL = f"{api.url}/pa"
        settings.VIBER_ENABLED = True
        yield api


def fixture(name: str, **replace: str) -> bytes:
    """A stored callback as Viber would POST it, with placeholders ({files}, {token}) filled in."""
    text = (FIXTURES / f"{name}.json").read_text()
    for key, value in replace.items():
        text = text.replace("{" + key + "}", value)
    return text.encode()


@pytest.fixture
def viber_bot(db: None) -> ViberBot:
    return ViberBot.objects.create(name="Доставка", auth_token=TOKEN)


@pytest.fixture
def post_callback(
    client: Any, viber_bot: ViberBot, viber_api: ViberApiServer, django_capture_on_commit_callbacks: Any
) -> Callable[..., Any]:
    """POST a fixture to /hooks/viber/ signed with the bot's token (or `key`); on-commit jobs really run."""

    def post(name: str, *, key: str = TOKEN, signed: bool = True, **replace: str) -> Any:
        body = fixture(name, files=viber_api.url, **replace)
        headers = {"HTTP_X_VIBER_CONTENT_SIGNATURE": signature(key, body)} if signed else {}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/hooks/viber/", body, content_type="application/json", **headers)

    return post
