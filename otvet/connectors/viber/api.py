"""The Viber REST API calls we make, over httpx, at settings.VIBER_API_URL; failures as TransportError."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import httpx
from django.conf import settings

from otvet.connectors.base import TransportError
from otvet.connectors.urlfiles import url_fetch

AUTH_HEADER = "X-Viber-Auth-Token"
# `status` values that repeating the same call cannot cure: bad or missing data (3, 4), a receiver that is not a
# Viber user (5) or has not subscribed to the bot (6), no device able to show it (11). Others (12 too many
# requests, a blocked or suspended bot that the admin may restore, unknown codes) are retried.
PERMANENT_STATUSES = frozenset({3, 4, 5, 6, 11})


class ViberApi:
    """One bot's view of the Viber REST API: `call` an endpoint with its auth token."""

    def __init__(self, auth_token: str, *, base_url: str | None = None, timeout: float | None = None) -> None:
        self.auth_token = auth_token
        self.base_url = (base_url or settings.VIBER_API_URL).rstrip("/")
        self.timeout = timeout if timeout is not None else settings.VIBER_TIMEOUT

    def call(self, endpoint: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The answer of an endpoint whose `status` is 0; TransportError when Viber or the network fails."""
        try:
            response = httpx.post(
                f"{self.base_url}/{endpoint}",
                json=payload,
                headers={AUTH_HEADER: self.auth_token},
                timeout=self.timeout,
            )
        except httpx.HTTPError as error:
            raise TransportError(f"{endpoint}: {type(error).__name__}: {error}", permanent=False) from error
        if response.status_code != httpx.codes.OK:
            raise TransportError(f"{endpoint}: HTTP {response.status_code}", permanent=False)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise TransportError(f"{endpoint}: not a JSON object", permanent=False)
        status = body.get("status")
        if status != 0:
            code = status if isinstance(status, int) else -1
            message = str(body.get("status_message") or "error")
            raise TransportError(f"{endpoint}: {code} {message}", permanent=code in PERMANENT_STATUSES)
        return body


def signature(auth_token: str, body: bytes) -> str:
    """X-Viber-Content-Signature of a callback: hex HMAC-SHA256 of the raw body, keyed with the auth token."""
    return hmac.new(auth_token.encode(), body, hashlib.sha256).hexdigest()


def viber_file_fetch(url: str) -> bytes:
    """A file the customer sent (picture, video, file), from the media URL Viber gave for it."""
    return url_fetch(url, timeout=settings.VIBER_TIMEOUT)
