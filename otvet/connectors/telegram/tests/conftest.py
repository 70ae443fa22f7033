"""A local server that speaks the Bot API at TELEGRAM_API_URL, a bot, and the stored update fixtures."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from otvet.connectors.models import TelegramBot
from otvet.testing.apiserver import QuietHandler, serving

FIXTURES = Path(__file__).parent / "fixtures"
TOKEN = "123456:TEST-token"
SECRET = "s3cret-webhook-token"


def fixture(name: str, **replace: str) -> bytes:
    """A stored update as Telegram would POST it, with placeholders ({token}) filled in."""
    text = (FIXTURES / f"{name}.json").read_text()
    for key, value in replace.items():
        text = text.replace("{" + key + "}", value)
    return text.encode()


@dataclass
class Call:
    """One request the bot made: the method, its parameters and the files uploaded with it."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)


@dataclass
class BotApiServer:
    """Answers Bot API methods (a queue of scripted answers per method, else ok), serves files, records calls."""

    url: str = ""
    calls: list[Call] = field(default_factory=list)
    scripted: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # file_id -> bytes (file_path = "files/<file_id>")
    updates: list[dict[str, Any]] = field(default_factory=list)
    next_message_id: int = 9000

    def script(self, method: str, status: int, body: dict[str, Any]) -> None:
        self.scripted.setdefault(method, []).append((status, body))

    def called(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def answer(self, token: str, method: str, call: Call) -> tuple[int, dict[str, Any]]:
        if token != TOKEN:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        if self.scripted.get(method):
            return self.scripted[method].pop(0)
        if method == "getFile":
            file_id = call.params["file_id"]
            if file_id not in self.files:
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}
            path = f"files/{file_id}"
            return 200, {
                "ok": True,
                "result": {"file_id": file_id, "file_size": len(self.files[file_id]), "file_path": path},
            }
        if method == "getUpdates":
            offset = int(call.params.get("offset") or 0)
            return 200, {"ok": True, "result": [u for u in self.updates if u["update_id"] >= offset]}
        self.next_message_id += 1
        chat = {"id": int(call.params.get("chat_id", 0) or 0), "type": "private"}
        return 200, {"ok": True, "result": {"message_id": self.next_message_id, "chat": chat, "date": 1795000000}}


def _handler(server: BotApiServer) -> type[BaseHTTPRequestHandler]:
    class Handler(QuietHandler):
        def do_GET(self) -> None:
            # /file/bot<token>/files/<file_id>
            parts = self.path.split("/", 3)
            content = server.files.get(self.path.rsplit("/", 1)[-1]) if parts[2] == f"bot{TOKEN}" else None
            self.reply_file(content)

        def do_POST(self) -> None:
            _empty, bot, method = self.path.split("/", 2)
            body = self.body()
            call = Call(method=method, params={})
            kind = self.headers.get("Content-Type", "")
            if kind.startswith("multipart/form-data"):
                parsed = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {kind}\r\n\r\n".encode() + body)
                for part in parsed.iter_parts():
                    name = part.get_param("name", header="content-disposition")
                    payload = part.get_payload(decode=True) or b""
                    if part.get_filename():
                        call.files[str(name)] = (part.get_filename() or "", payload)
                    else:
                        call.params[str(name)] = payload.decode()
            elif body:
                call.params = json.loads(body)
            server.calls.append(call)
            status, answer = server.answer(bot.removeprefix("bot"), method, call)
            self.reply_json(status, answer)

    return Handler


@pytest.fixture
def bot_api(settings: Any) -> Iterator[BotApiServer]:
    """The Bot API on 127.0.0.1 at a free port, configured as TELEGRAM_API_URL."""
    api = BotApiServer()
    with serving(_handler(api)) as url:
        api.url = url
        settings.TELEGRAM_API_URL = api.url
        yield api


@pytest.fixture
def bot(db: None) -> TelegramBot:
    return TelegramBot.objects.create(name="Support", username="otvet_support_bot", token=TOKEN, webhook_secret=SECRET)


@pytest.fixture
def post_update(client: Any, bot: TelegramBot, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """POST an update to /hooks/telegram/ with the bot's secret; on-commit jobs (the processing) really run."""

    def post(body: bytes, secret: str | None = SECRET) -> Any:
        headers = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret} if secret is not None else {}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/hooks/telegram/", body, content_type="application/json", **headers)

    return post
