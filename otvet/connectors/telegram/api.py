"""The few Bot API calls we make, over httpx, at settings.TELEGRAM_API_URL; failures as TransportError."""

from __future__ import annotations

from typing import Any

import httpx
from django.conf import settings

from otvet.connectors.base import TransportError

FileUpload = tuple[str, bytes, str]  # (filename, content, content type)


class BotApi:
    """One bot's view of the Bot API: `call` any method, `download` a file by its file_path."""

    def __init__(self, token: str, *, base_url: str | None = None, timeout: float | None = None) -> None:
        self.token = token
        self.base_url = (base_url or settings.TELEGRAM_API_URL).rstrip("/")
        self.timeout = timeout if timeout is not None else settings.TELEGRAM_TIMEOUT

    def call(self, method: str, data: dict[str, Any] | None = None, files: dict[str, FileUpload] | None = None) -> Any:
        """The `result` of a Bot API method; TransportError (permanent for 4xx other than 429) when it fails."""
        url = f"{self.base_url}/bot{self.token}/{method}"
        try:
            if files:
                form = {key: str(value) for key, value in (data or {}).items()}
                response = httpx.post(url, data=form, files=files, timeout=self.timeout)
            else:
                response = httpx.post(url, json=data or {}, timeout=self.timeout)
        except httpx.HTTPError as error:
            raise TransportError(f"{method}: {type(error).__name__}: {error}", permanent=False) from error
        return _result(method, response)

    def download(self, file_id: str) -> bytes:
        """A file the customer sent: getFile for its path, then the file itself from the same base URL."""
        info = self.call("getFile", {"file_id": file_id})
        path = (info or {}).get("file_path") if isinstance(info, dict) else None
        if not path:
            raise TransportError(f"getFile: no file_path for {file_id}", permanent=True)
        url = f"{self.base_url}/file/bot{self.token}/{path}"
        try:
            response = httpx.get(url, timeout=self.timeout)
        except httpx.HTTPError as error:
            raise TransportError(f"download: {type(error).__name__}: {error}", permanent=False) from error
        if response.status_code != httpx.codes.OK:
            raise TransportError(f"download: HTTP {response.status_code}", permanent=_permanent(response.status_code))
        return response.content


def _result(method: str, response: httpx.Response) -> Any:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    if response.status_code == httpx.codes.OK and body.get("ok"):
        return body.get("result")
    code = int(body.get("error_code") or response.status_code)
    description = str(body.get("description") or response.reason_phrase or "error")
    retry_after = (body.get("parameters") or {}).get("retry_after")
    raise TransportError(
        f"{method}: {code} {description}",
        permanent=_permanent(code),
        retry_after=float(retry_after) if isinstance(retry_after, int | float) else None,
    )


def _permanent(code: int) -> bool:
    """4xx is the request's own fault (chat not found, bot blocked, bad file): repeating it cannot help.
    429 (flood control) and 5xx pass."""
    return 400 <= code < 500 and code != httpx.codes.TOO_MANY_REQUESTS
