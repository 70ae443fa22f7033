"""The VK API calls we make, over httpx, at settings.VK_API_URL; failures as TransportError."""

from __future__ import annotations

from typing import Any

import httpx
from django.conf import settings

from otvet.connectors.base import TransportError
from otvet.connectors.urlfiles import url_fetch

# VK error codes that repeating the same call cannot cure: authorisation (5, 27), no right (7, 15), bad parameters
# (100, 113), the user cannot be written to (900 blacklisted, 901 no permission, 902 privacy, 914 too long,
# 917 no access to the chat, 936 contact not found). Anything else (6 too many requests, 9 flood control,
# 10 internal error, 1 unknown, ...) is retried.
PERMANENT_CODES = frozenset({5, 7, 15, 27, 100, 113, 900, 901, 902, 914, 917, 936})


class VkApi:
    """One community's view of the VK API: `call` a method with its access token."""

    def __init__(self, access_token: str, *, base_url: str | None = None, timeout: float | None = None) -> None:
        self.access_token = access_token
        self.base_url = (base_url or settings.VK_API_URL).rstrip("/")
        self.timeout = timeout if timeout is not None else settings.VK_TIMEOUT

    def call(self, method: str, params: dict[str, Any]) -> Any:
        """The `response` of a method (POSTed as a form); TransportError when VK or the network fails."""
        form = {key: str(value) for key, value in params.items()}
        form.update(access_token=self.access_token, v=settings.VK_API_VERSION)
        try:
            response = httpx.post(f"{self.base_url}/{method}", data=form, timeout=self.timeout)
        except httpx.HTTPError as error:
            raise TransportError(f"{method}: {type(error).__name__}: {error}", permanent=False) from error
        if response.status_code != httpx.codes.OK:
            raise TransportError(f"{method}: HTTP {response.status_code}", permanent=False)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise TransportError(f"{method}: not a JSON object", permanent=False)
        failure = body.get("error")
        if isinstance(failure, dict):
            code = failure.get("error_code")
            code = code if isinstance(code, int) else 0
            raise TransportError(
                f"{method}: {code} {failure.get('error_msg') or ''}".strip(), permanent=code in PERMANENT_CODES
            )
        if "response" not in body:
            raise TransportError(f"{method}: no response in the answer", permanent=False)
        return body["response"]


def vk_file_fetch(url: str) -> bytes:
    """A file the customer sent (a photo size, a document, a voice message), from the URL VK gave for it."""
    return url_fetch(url, timeout=settings.VK_TIMEOUT)
