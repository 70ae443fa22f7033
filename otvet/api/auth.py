"""Who is calling: a bearer token (`Authorization: Bearer otv_...`) or the browser session, which needs CSRF.

Both put the User on `request.auth`; `request_actor()` turns it into the Actor that access.py and services take.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from otvet.accounts.models import User
from otvet.accounts.selectors import api_token_authenticate
from otvet.tickets.access import Actor, actor_for_user


class BearerTokenAuth(HttpBearer):
    """Tokens from `otvet token create EMAIL`; looked up by digest, revoked tokens and inactive users refused."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return api_token_authenticate(token.strip())


class SessionCsrfAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods must carry the CSRF token (X-CSRFToken header)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a session cookie this scheme does not apply: the caller gets the 401, not a CSRF 403.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user: Any = request.user
        return user if key and user.is_authenticated else None


AUTH = [BearerTokenAuth(), SessionCsrfAuth()]


def request_actor(request: HttpRequest) -> Actor:
    """The Actor behind the authenticated request, resolved once per request."""
    actor: Actor | None = getattr(request, "_otvet_actor", None)
    if actor is None:
        actor = actor_for_user(request.auth)  # type: ignore[attr-defined]
        request._otvet_actor = actor  # type: ignore[attr-defined]
    return actor
