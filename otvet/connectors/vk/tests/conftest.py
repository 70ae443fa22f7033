"""A local server that speaks the VK API at VK_API_URL and serves VK's file URLs, a community, the fixtures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from otvet.connectors.models import VkCommunity
from otvet.testing.apiserver import QuietHandler, serving

FIXTURES = Path(__file__).parent / "fixtures"
GROUP_ID = 218937465
TOKEN = "vk1.a.community-token"
SECRET = "Zq8sKx2v"
CONFIRMATION = "b2f4e9c1"


@dataclass
class Call:
    """One API request the community made: the method and its form parameters."""

    method: str
    params: dict[str, str]


@dataclass
class VkApiServer:
    """Answers API methods at /method/<name> (scripted answers per method, else a new message id), serves files."""

    url: str = ""
    calls: list[Call] = field(default_factory=list)
    scripted: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # path (without the query) -> bytes
    next_message_id: int = 5000
    seen_random_ids: dict[tuple[str, str], int] = field(default_factory=dict)

    def script(self, method: str, status: int, body: dict[str, Any]) -> None:
        self.scripted.setdefault(method, []).append((status, body))

    def called(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def answer(self, call: Call) -> tuple[int, dict[str, Any]]:
        if call.params.get("access_token") != TOKEN:
            return 200, {"error": {"error_code": 5, "error_msg": "User authorization failed: invalid access_token"}}
        if self.scripted.get(call.method):
            return self.scripted[call.method].pop(0)
        if call.method == "messages.send":
            key = (call.params["peer_id"], call.params["random_id"])
            if key not in self.seen_random_ids:  # VK sends a repeated random_id once, answering the same id
                self.next_message_id += 1
                self.seen_random_ids[key] = self.next_message_id
            return 200, {"response": self.seen_random_ids[key]}
        return 200, {"error": {"error_code": 3, "error_msg": "Unknown method passed"}}


def _handler(server: VkApiServer) -> type[BaseHTTPRequestHandler]:
    class Handler(QuietHandler):
        def do_GET(self) -> None:
            content = server.files.get(urlsplit(self.path).path)
            self.reply_file(content)

        def do_POST(self) -> None:
            body = self.body().decode()
            call = Call(method=self.path.removeprefix("/method/"), params=dict(parse_qsl(body)))
            server.calls.append(call)
            status, answer = server.answer(call)
            self.reply_json(status, answer)

    return Handler


@pytest.fixture
def vk_api(settings: Any) -> Iterator[VkApiServer]:
    """The VK API on 127.0.0.1 at a free port: VK_API_URL is <server>/method, files are served from its root."""
    api = VkApiServer()
    with serving(_handler(api)) as url:
        api.url = url
        settings.VK_API_URL = f"{api.url}/method"
        yield api


def fixture(name: str, **replace: str) -> bytes:
    """A stored event as VK would POST it, with placeholders ({secret}, {files}) filled in."""
    text = (FIXTURES / f"{name}.json").read_text()
    for key, value in {"secret": SECRET, **replace}.items():
        text = text.replace("{" + key + "}", value)
    return text.encode()


@pytest.fixture
def community(db: None) -> VkCommunity:
    return VkCommunity.objects.create(
        name="Магазин", group_id=GROUP_ID, access_token=TOKEN, confirmation=CONFIRMATION, secret_key=SECRET
    )


@pytest.fixture
def post_event(
    client: Any, community: VkCommunity, vk_api: VkApiServer, django_capture_on_commit_callbacks: Any
) -> Callable[..., Any]:
    """POST a fixture to /hooks/vk/ (file URLs pointing at the local server); on-commit jobs really run."""

    def post(name: str, **replace: str) -> Any:
        body = fixture(name, files=vk_api.url, **replace)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/hooks/vk/", body, content_type="application/json")

    return post
