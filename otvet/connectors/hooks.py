"""What every /hooks/<channel>/ endpoint shares: secret checks and the answers platforms expect."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from typing import TypeVar

from django.http import HttpResponse, JsonResponse

T = TypeVar("T")


def secret_owner(given: str, candidates: Iterable[tuple[str, T]]) -> T | None:
    """The candidate whose secret equals `given`, compared in constant time; None for an empty or unknown one."""
    if not given:
        return None
    found: T | None = None
    for secret, owner in candidates:
        if secret and hmac.compare_digest(secret.encode(), given.encode()):
            found = owner
    return found


def hook_accepted() -> HttpResponse:
    """Stored: the platform must not send it again (processing happens in a job, whatever its outcome)."""
    return JsonResponse({"ok": True})


def hook_forbidden() -> HttpResponse:
    """A wrong or missing secret: nothing was stored."""
    return JsonResponse({"ok": False, "error": "forbidden"}, status=403)
