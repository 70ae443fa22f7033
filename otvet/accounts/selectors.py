"""Reads of the accounts domain: who a bearer token belongs to."""

from __future__ import annotations

from django.db.models import QuerySet

from otvet.accounts.models import ApiToken, User
from otvet.accounts.services import TOKEN_PREFIX, api_token_touch, token_digest

MAX_TOKEN_CHARS = 200


def api_token_authenticate(plain: str) -> User | None:
    """The active user behind a live token, or None; marks the token used (see api_token_touch)."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > MAX_TOKEN_CHARS:
        return None
    token = (
        # The agent profile and the contact come along, so the request's Actor costs no further query.
        ApiToken.objects.select_related("user__agent__partner", "user__contact__company__plan")
        .filter(digest=token_digest(plain), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    api_token_touch(token=token)
    return token.user


def api_tokens_list(user: User | None = None) -> QuerySet[ApiToken]:
    """Tokens, newest first; of one user when given."""
    tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-pk")
    return tokens if user is None else tokens.filter(user=user)
